package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Rows whose `data` is far wider than their input, in a gateway with the default launch's heap
/// (64 MB): an inline schema of thousands of fields turns a two-byte row into a line of ~200 KB
/// (`"fN":null` for every field without a column), and a thousand failing fields a 2 KB row into
/// one of ~77 KB. Chunks were cut by input bytes only, so a chunk of such rows rendered hundreds
/// of megabytes, and the answer ended in `internal_error` (out of memory) at its first chunk. A
/// chunk now holds only as many rows as render within ~8 MB besides their values, were every
/// field to fail.
class WideDataMemoryTest {
    @TempDir
    static Path dir;

    private static Process server;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        Path config = Files.writeString(dir.resolve("fanout.yaml"), """
                server:
                  host: 127.0.0.1
                fanout:
                  warm-up:
                    requests: 0
                """);
        server = GatewayProcess.start(config, "-Xmx64m", "-Xms16m", "-XX:+UseG1GC");
        port = GatewayProcess.awaitPort(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void sixteenThousandFieldsWithoutColumnsAnswerEveryRow() throws Exception {
        String schema = IntStream.range(0, 16_000).mapToObj(i -> "{\"name\":\"f" + i + "\"}")
                .collect(Collectors.joining(",", "{\"fields\":[", "]}"));
        String csv = "f0\n" + "x\n".repeat(3_000);
        Answer answer = validate(schema, csv);
        assertEquals(3_000, answer.rows);
        assertTrue(answer.last.startsWith("{\"summary\":{\"rows\":3000,\"valid\":3000,\"invalid\":0,"), answer.last);
    }

    @Test
    void aThousandFailingFieldsAnswerEveryRow() throws Exception {
        Answer answer = validate(integerFields(1_000), failingRows(1_000, 300));
        assertEquals(300, answer.rows);
        assertTrue(answer.last.startsWith("{\"summary\":{\"rows\":300,\"valid\":0,\"invalid\":300,"), answer.last);
    }

    /// A small upload's place holds four bytes a byte of its body, not the 8 MB of lines a chunk
    /// may have: a 200 KB upload of 480 failing integer fields (a 16 KiB inline schema), ~36 KB
    /// of errors a row, is cut into chunks of 15 rows, not ~60.
    @Test
    void aSmallUploadOfWideLinesIsCutIntoSmallChunks() throws Exception {
        long before = chunksValidated();
        Answer answer = validate(integerFields(480), failingRows(480, 200));
        assertEquals(200, answer.rows);
        assertEquals(14, chunksValidated() - before, "chunks of 15 rows");
    }

    /// A schema of `fields` integer fields `c0`, `c1`, ...
    private static String integerFields(int fields) {
        return IntStream.range(0, fields).mapToObj(i -> "{\"name\":\"c" + i + "\",\"type\":\"integer\"}")
                .collect(Collectors.joining(",", "{\"fields\":[", "]}"));
    }

    /// A CSV of those fields' header and `rows` rows of `x` in every cell.
    private static String failingRows(int fields, int rows) {
        var header = new StringJoiner(",", "", "\n");
        IntStream.range(0, fields).forEach(i -> header.add("c" + i));
        return header + (String.join(",", java.util.Collections.nCopies(fields, "x")) + "\n").repeat(rows);
    }

    private static long chunksValidated() throws IOException, InterruptedException {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stats"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return TestGateway.json(response.body()).at("/histograms/chunk_validate/run/count").asLong();
    }

    /// The answer's row lines, counted as they stream in, and its last line.
    private record Answer(int rows, String last) {
    }

    private static Answer validate(String schema, String csv) throws IOException, InterruptedException {
        Path body = Files.write(dir.resolve("upload-" + System.nanoTime()), new Multipart().schema(schema).file(csv).bytes());
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/validate?summary=true"))
                .header("Content-Type", Multipart.CONTENT_TYPE)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofFile(body))
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        int rows = 0;
        String last = "";
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                assertFalse(line.startsWith("{\"error\""), line);
                if (line.startsWith("{\"row\"")) {
                    rows++;
                }
                last = line;
            }
        }
        return new Answer(rows, last);
    }
}
