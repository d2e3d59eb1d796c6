package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.HeaderException;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.engine.ValidationRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/// Coverage-guided fuzzing of [MultipartUpload] on arbitrary bodies, taken through the engine as
/// `ValidateService` takes them. Its contract: a request is refused with a [ProblemException] of
/// one of the SPEC's codes, or its CSV header with a [HeaderException] of one, or it gets NDJSON
/// whose error line (if any) carries one; never another exception; and the same answer whether
/// the body arrives whole or in random pieces (unless the body is over the upload limit: then the
/// read that crosses it fails, and how far ahead the parser has read decides whether another
/// problem is met first; one of the two answers must then be `upload_too_large`).
///
/// The boundary is the input's first line when it starts with `--` (so that the fuzzer owns it),
/// else a fixed one; the schema query parameter, the size limits and whether a Content-Length is
/// known are chosen from the input's hash, so that a finding replays.
///
/// Regression inputs: `src/test/resources/dev/fanout/server/MultipartUploadFuzzTestInputs/multipart/`;
/// `scripts/fuzz multipart` searches for new ones.
class MultipartUploadFuzzTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.load(Path.of("target/no-schema-folder"), 1 << 20);
    private static final ValidationEngine ENGINE = new ValidationEngine();
    /// In-memory bodies never stall; the deadline is the gateway's own, never reached.
    private static final UploadReadDeadline READS = new UploadReadDeadline(java.time.Duration.ofMinutes(1));
    private static final EngineOptions OPTIONS = EngineOptions.defaults().withSummary(true).withWorkers(2)
            .withChunkRows(3);
    private static final Set<String> PROBLEM_CODES = Set.of("bad_multipart", "bad_parameter", "missing_file",
            "missing_schema", "schema_after_file", "unknown_schema", "invalid_schema", "schema_too_large",
            "upload_too_large", "truncated_upload", "malformed_multipart");
    /// The engine's header codes, and the stream's codes when the header itself cannot be read.
    private static final Set<String> HEADER_CODES = Set.of("empty_csv", "duplicate_column", "missing_column",
            "unknown_column", "malformed_csv", "field_too_large", "too_many_columns", "invalid_utf8",
            "upload_too_large", "truncated_upload", "malformed_multipart");
    private static final Set<String> STREAM_CODES = Set.of("malformed_csv", "field_too_large", "too_many_columns",
            "invalid_utf8", "upload_too_large", "truncated_upload",
            "malformed_multipart");
    private static final String[] SCHEMA_PARAMETERS = {null, "people", "unregistered"};

    @FuzzTest
    void multipart(byte[] body) {
        var random = new Random(Arrays.hashCode(body));
        var request = new Request(contentType(body), random.nextBoolean() ? body.length : -1,
                Optional.ofNullable(SCHEMA_PARAMETERS[random.nextInt(SCHEMA_PARAMETERS.length)]),
                random.nextInt(4) == 0 ? Math.max(1, body.length / 2) : 1 << 20,
                random.nextInt(4) == 0 ? 64 : 64 << 10);
        String whole = answer(new ByteArrayInputStream(body), request);
        String pieces = answer(new Pieces(new ByteArrayInputStream(body), random), request);
        if (body.length > request.maxUploadBytes() && !whole.equals(pieces)) {
            // A body over the limit fails the first read that crosses it, and how far the parser
            // reads ahead depends on the pieces: it may meet another problem first, or not.
            assertTrue(whole.contains("upload_too_large") || pieces.contains("upload_too_large"),
                    () -> "over the limit, neither says so, " + request + ": " + whole + " vs. " + pieces);
        } else {
            assertEquals(whole, pieces, () -> "whole vs. in pieces, " + request);
        }
    }

    /// What the request says besides its body.
    private record Request(String contentType, long contentLength, Optional<String> schemaParameter,
            long maxUploadBytes, int maxSchemaBytes) {
    }

    /// `multipart/form-data` with the body's first line as the boundary when it starts with `--`.
    private static String contentType(byte[] body) {
        String boundary = Multipart.BOUNDARY;
        if (body.length >= 2 && body[0] == '-' && body[1] == '-') {
            int end = 2;
            while (end < body.length && body[end] != '\r' && body[end] != '\n') {
                end++;
            }
            boundary = new String(body, 2, end - 2, StandardCharsets.ISO_8859_1);
        }
        return "multipart/form-data; boundary=" + boundary;
    }

    /// The answer as `ValidateService` would give it: `STATUS CODE` for a refused request, or
    /// `200` and the NDJSON (with `elapsedMs` masked).
    private static String answer(InputStream body, Request request) {
        try {
            Upload upload = MultipartUpload.open(new UploadStream(body, request.maxUploadBytes(), rest -> { }, READS, () -> { }), request.contentType(),
                    request.contentLength(), request.schemaParameter(), REGISTRY, request.maxSchemaBytes());
            ValidateService.checkUpstreams(upload.schema(), upstream -> false);
            ValidationRun run;
            try {
                run = ENGINE.open(upload.csv(), upload.schema(), OPTIONS);
            } catch (HeaderException e) {
                assertTrue(HEADER_CODES.contains(e.code()), () -> "header code " + e.code() + ": " + e.getMessage());
                return "header " + e.code();
            }
            var out = new ByteArrayOutputStream();
            try {
                RunOutcome outcome = run.writeTo(out);
                outcome.error().ifPresent(error -> assertTrue(STREAM_CODES.contains(error.code().wireName()),
                        () -> "stream error code " + error.code() + ": " + error.message()));
            } finally {
                closeAsTheServiceDoes(run);
            }
            return "200\n" + TestGateway.masked(out.toString(StandardCharsets.UTF_8));
        } catch (ProblemException e) {
            assertTrue(PROBLEM_CODES.contains(e.code()), () -> "problem code " + e.code() + ": " + e.detail());
            return e.status() + " " + e.code();
        } catch (IOException e) {
            // Writing to memory does not fail.
            throw new UncheckedIOException(e);
        }
    }

    /// `ValidateService` logs a failure to close the upload after the answer: reading a broken
    /// body to its end fails again as it did during the run.
    private static void closeAsTheServiceDoes(ValidationRun run) {
        try {
            run.close();
        } catch (UncheckedIOException e) {
            // Already part of the answer.
        }
    }

    /// Hands out the body in pieces of 1 to 16 bytes, as a network would.
    private static final class Pieces extends FilterInputStream {
        private final Random random;

        Pieces(InputStream in, Random random) {
            super(in);
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(16)));
        }
    }
}
