package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Configuration layers, highest first: flags, environment variables (the SPEC's naming, e.g.
/// `FANOUT_LIMITS_MAX_UPLOAD_BYTES`), the `--config` YAML file, the bundled `application.yaml`;
/// and the schema endpoints and health over a real schema folder.
class ConfigTest {
    static final String CRM_SCHEMA = """
            {"fields":[{"name":"customer","type":"string","constraints":{"required":true}},
                       {"name":"visits","type":"integer","constraints":{"minimum":0}}]}""";
    /// 6 rows, 186 bytes: over an upload limit of 100, under one of 1000.
    static final String CSV = TestGateway.PROBE.csv() + People.csvRow(4, People.Kind.VALID)
            + People.csvRow(5, People.Kind.VALID) + People.csvRow(6, People.Kind.VALID);

    @TempDir
    Path dir;

    private Path schemas() throws IOException {
        Path schemas = Files.createDirectories(dir.resolve("schemas"));
        Files.writeString(schemas.resolve("crm.json"), CRM_SCHEMA);
        return schemas;
    }

    private Path configFile(String yaml) throws IOException {
        return Files.writeString(dir.resolve("fanout.yaml"), yaml);
    }

    /// The status of posting `CSV` (with its `Content-Length`) to a server built from the layers.
    private int uploadStatus(Optional<Path> file, Map<String, String> flags, Map<String, String> environment)
            throws Exception {
        try (var gateway = TestGateway.start(file, flags, environment)) {
            var response = gateway.postCsv("/v1/validate?schema=people", CSV);
            if (response.statusCode() == 413) {
                TestGateway.assertProblem(response, 413, "upload_too_large");
            }
            return response.statusCode();
        }
    }

    @Test
    void theBundledUploadLimitAcceptsAnOrdinaryFile() throws Exception {
        assertTrue(CSV.length() > 150 && CSV.length() < 1000, "CSV is " + CSV.length() + " bytes");
        assertEquals(200, uploadStatus(Optional.empty(), Map.of(), Map.of()));
    }

    @Test
    void anEnvironmentVariableNamedAfterTheKeySetsIt() throws Exception {
        assertEquals(413, uploadStatus(Optional.empty(), Map.of(), Map.of("FANOUT_LIMITS_MAX_UPLOAD_BYTES", "100")));
        assertEquals("FANOUT_LIMITS_MAX_UPLOAD_BYTES", FanoutConfig.environmentName("fanout.limits.max-upload-bytes"));
    }

    @Test
    void environmentVariablesThatAreNotOursChangeNothing() throws Exception {
        assertEquals(200, uploadStatus(Optional.empty(), Map.of(), Map.of(
                "fanout_limits_max_upload_bytes", "100",
                "FANOUT_LIMITS_MAX_dash_UPLOAD_dash_BYTES", "100",
                "PATH", "/usr/bin")));
    }

    @Test
    void theConfigFileOverridesTheBundledConfiguration() throws Exception {
        Path file = configFile("fanout:\n  limits:\n    max-upload-bytes: 100\n");
        assertEquals(413, uploadStatus(Optional.of(file), Map.of(), Map.of()));
    }

    @Test
    void theEnvironmentOverridesTheConfigFile() throws Exception {
        Path file = configFile("fanout:\n  limits:\n    max-upload-bytes: 100\n");
        assertEquals(200, uploadStatus(Optional.of(file), Map.of(), Map.of("FANOUT_LIMITS_MAX_UPLOAD_BYTES", "1000")));
    }

    @Test
    void flagsOverrideTheEnvironmentAndTheConfigFile() throws Exception {
        Path file = configFile("fanout:\n  limits:\n    max-upload-bytes: 100\n");
        var flags = Map.of("fanout.limits.max-upload-bytes", "1000");
        assertEquals(200, uploadStatus(Optional.of(file), flags, Map.of()));
        assertEquals(200, uploadStatus(Optional.empty(), flags, Map.of("FANOUT_LIMITS_MAX_UPLOAD_BYTES", "100")));
        assertEquals(413, uploadStatus(Optional.of(file), Map.of("fanout.limits.max-upload-bytes", "100"),
                Map.of("FANOUT_LIMITS_MAX_UPLOAD_BYTES", "1000")));
    }

    @Test
    void keysTheConfigFileLeavesAloneKeepTheirBundledValues() throws Exception {
        Path file = configFile("fanout:\n  limits:\n    max-field-bytes: 5\n");
        try (var gateway = TestGateway.start(Optional.of(file), Map.of(), Map.of())) {
            // The bundled upload limit (2 GiB) still applies; the file's field limit too.
            var response = gateway.postCsv("/v1/validate?schema=people", "id,name,email\n1,Ada,a@b.org\n");
            assertEquals(200, response.statusCode(), response::body);
            assertTrue(response.body().contains("\"code\":\"field_too_large\""), response.body());
        }
    }

    @Test
    void aMissingConfigFileIsRefusedNamingIt() {
        Path missing = dir.resolve("nowhere.yaml");
        var e = assertThrows(IllegalArgumentException.class,
                () -> FanoutConfig.load(Optional.of(missing), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void aSpillFolderThatCannotBeWrittenStopsTheStart() throws Exception {
        Path missing = dir.resolve("no-such-folder");
        var e = assertThrows(IllegalArgumentException.class,
                () -> TestGateway.start(Optional.empty(), Map.of("fanout.response.spill-dir", missing.toString()), Map.of()));
        assertTrue(e.getMessage().startsWith("fanout.response.spill-dir: cannot create a file in " + missing + " (no such folder)"),
                e.getMessage());
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        e = assertThrows(IllegalArgumentException.class,
                () -> TestGateway.start(Optional.empty(), Map.of("fanout.response.spill-dir", file.toString()), Map.of()));
        assertTrue(e.getMessage().startsWith("fanout.response.spill-dir: cannot create a file in " + file), e.getMessage());
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.response.spill-dir", dir.toString()), Map.of())) {
            gateway.assertStillServes();
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("a-file"), files.map(f -> f.getFileName().toString()).toList(), "the probe file is gone");
        }
    }

    @Test
    void theSharedValidationPlacesDefaultToOnePerCoreButOneWithASpareOneAndCanBeSet() {
        assertEquals(1, ServerSettings.defaultWorkers(1));
        assertEquals(1, ServerSettings.defaultWorkers(2));
        assertEquals(7, ServerSettings.defaultWorkers(8));
        assertEquals(ServerSettings.defaultWorkers(Runtime.getRuntime().availableProcessors()),
                ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(), Map.of())).workers());
        var defaulted = ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(), Map.of()));
        assertEquals(Runtime.getRuntime().availableProcessors(), defaulted.workers() + defaulted.spareWorkers(),
                "a lone request validates on every core");
        var set = ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(), Map.of("FANOUT_ENGINE_WORKERS", "3")));
        assertEquals(3, set.workers());
        assertEquals(0, set.spareWorkers(), "a configured count is all there is");
    }

    @Test
    void theWideRecordsHeldAtOnceDefaultFromTheHeapAndCanBeSet() {
        int twoMiB = 2 << 20;
        assertEquals(1, ServerSettings.wideRecordLimit(0, twoMiB, 64L << 20), "the default launch holds one");
        assertEquals(1, ServerSettings.wideRecordLimit(0, twoMiB, 40L << 20), "at least one, however small the heap");
        assertEquals(31, ServerSettings.wideRecordLimit(0, twoMiB, 1L << 30));
        assertEquals(62, ServerSettings.wideRecordLimit(0, 1 << 20, 1L << 30), "a smaller record limit, more at once");
        assertEquals(3, ServerSettings.wideRecordLimit(3, twoMiB, 64L << 20), "a configured count is what it says");
        var set = ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(),
                Map.of("FANOUT_LIMITS_MAX_CONCURRENT_WIDE_RECORDS", "5")));
        assertEquals(5, set.maxConcurrentWideRecords());
    }

    @Test
    void theWriteTimeoutDefaultsTo30SecondsAndMustBePositive() {
        assertEquals(java.time.Duration.ofSeconds(30),
                ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(), Map.of())).responseWriteTimeout());
        for (String bad : List.of("0s", "-1s", "soon")) {
            var e = assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(
                    FanoutConfig.load(Optional.empty(), Map.of(), Map.of("FANOUT_RESPONSE_WRITE_TIMEOUT", bad))));
            assertTrue(e.getMessage().startsWith("fanout.response.write-timeout"), e.getMessage());
        }
    }

    @Test
    void theSchemaFolderCanComeFromTheEnvironment() throws Exception {
        try (var gateway = TestGateway.start(Optional.empty(), Map.of(), Map.of("FANOUT_SCHEMAS_DIR", schemas().toString()))) {
            assertEquals(List.of("crm", "people"), names(gateway.get("/v1/schemas").body()));
        }
    }

    @Test
    void schemasListsPeopleAndEveryJsonFileOfTheFolder() throws Exception {
        try (var gateway = TestGateway.start(schemas(), Map.of())) {
            var response = gateway.get("/v1/schemas");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            assertEquals(List.of("crm", "people"), names(response.body()));
        }
    }

    @Test
    void oneSchemaIsReturnedAsItsDocument() throws Exception {
        try (var gateway = TestGateway.start(schemas(), Map.of())) {
            var people = gateway.get("/v1/schemas/people");
            assertEquals(200, people.statusCode());
            assertTrue(people.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            List<String> fields = new ArrayList<>();
            TestGateway.json(people.body()).path("fields").forEach(field -> fields.add(field.path("name").asText()));
            assertEquals(List.of("id", "name", "email", "age", "city"), fields);

            var crm = gateway.get("/v1/schemas/crm");
            assertEquals(200, crm.statusCode());
            assertEquals(TestGateway.json(CRM_SCHEMA), TestGateway.json(crm.body()));

            TestGateway.assertProblem(gateway.get("/v1/schemas/nobody"), 404, "unknown_schema");
        }
    }

    @Test
    void aSchemaFromTheFolderValidatesByName() throws Exception {
        try (var gateway = TestGateway.start(schemas(), Map.of())) {
            var response = gateway.postCsv("/v1/validate?schema=crm", "customer,visits\nAcme,3\n,x\n");
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("""
                    {"row":1,"line":2,"valid":true,"data":{"customer":"Acme","visits":3}}
                    {"row":2,"line":3,"valid":false,"data":{"customer":null,"visits":"x"},\
                    "errors":[{"field":"customer","code":"required","message":"customer is required"},\
                    {"field":"visits","code":"type","message":"\\"x\\" is not an integer"}]}
                    """, response.body());
        }
    }

    @Test
    void healthAnswersSuccessfully() throws Exception {
        try (var gateway = TestGateway.start(schemas(), Map.of())) {
            int status = gateway.get("/observe/health").statusCode();
            assertTrue(status >= 200 && status < 300, "health answered " + status);
        }
    }

    private static List<String> names(String body) {
        List<String> names = new ArrayList<>();
        JsonNode schemas = TestGateway.json(body).path("schemas");
        schemas.forEach(name -> names.add(name.asText()));
        return names;
    }

    /// The gateway adds its own HTTP/1.1 protocol (for the write deadline's listener): the user's
    /// `server.protocols.http_1_1` settings must still apply to it.
    @Test
    void helidonsHttp1SettingsFromTheConfigFileStillApply() throws Exception {
        Path file = configFile("server:\n  protocols:\n    http_1_1:\n      max-prologue-length: 64\n");
        try (var gateway = TestGateway.start(Optional.of(file), Map.of(), Map.of())) {
            assertEquals(414, gateway.get("/x" + "a".repeat(100)).statusCode(), "a request line over 64 bytes");
            assertEquals(200, gateway.postCsv("/v1/validate?schema=people", CSV).statusCode());
        }
    }
}
