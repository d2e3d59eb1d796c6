package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fanout.csv.StreamErrorCode;
import dev.fanout.engine.HeaderCode;
import dev.fanout.engine.HeaderException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/// Every code a problem can carry, with its status and title, as the README lists them ("HTTP
/// gateway": Problem codes): the server's own, a refused header's and a stream's met before the
/// `200`. Statuses, codes and titles are the bytes of a problem body, so they are pinned here.
class ProblemMappingTest {
    @Test
    void theServersCodesHaveTheirStatusesAndTitles() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String code : new String[] {"bad_parameter", "bad_request", "missing_schema", "missing_file", "bad_multipart",
                "schema_after_file", "truncated_upload", "malformed_upload", "malformed_multipart"}) {
            expected.put(code, "400 Bad request");
        }
        expected.put("reset_refused", "403 Forbidden");
        for (String code : new String[] {"unknown_schema", "unknown_histogram", "unknown_format", "not_found"}) {
            expected.put(code, "404 Not found");
        }
        expected.put("upload_too_slow", "408 Request timeout");
        expected.put("length_required", "411 Length required");
        expected.put("upload_too_large", "413 Payload too large");
        expected.put("schema_too_large", "413 Payload too large");
        expected.put("unsupported_media_type", "415 Unsupported media type");
        expected.put("invalid_schema", "422 Invalid schema");
        expected.put("internal_error", "500 Internal server error");
        expected.put("overloaded", "503 Service unavailable");
        Map<String, String> actual = new LinkedHashMap<>();
        for (ProblemCode code : ProblemCode.values()) {
            var problem = ProblemException.of(code, "d");
            actual.put(problem.code(), problem.status() + " " + problem.title());
        }
        assertEquals(expected, actual);
        assertEquals(ProblemCode.values().length, actual.size(), "wire names are unique");
    }

    @Test
    void aRefusedHeaderIs422WithItsCode() {
        Set<String> names = new HashSet<>();
        for (HeaderCode code : HeaderCode.values()) {
            var problem = ProblemException.ofHeader(new HeaderException(code, "m"));
            assertEquals("422 Unprocessable CSV header " + code.wireName(),
                    problem.status() + " " + problem.title() + " " + problem.code());
            names.add(code.wireName());
        }
        assertEquals(Set.of("empty_csv", "duplicate_column", "missing_column", "unknown_column", "column_order"), names);
    }

    /// An upload's own failures are answered as themselves, a wide header that found no turn as the
    /// server being busy, one that held its turn too long as a time-out; a CSV that cannot be read as far as its header is a `422` header problem
    /// with the stream's code.
    @Test
    void aStreamFailureBeforeThe200HasItsStatus() {
        for (StreamErrorCode code : StreamErrorCode.values()) {
            String expected = switch (code) {
                case UPLOAD_TOO_LARGE -> "413 Payload too large";
                case TRUNCATED_UPLOAD, MALFORMED_UPLOAD, MALFORMED_MULTIPART -> "400 Bad request";
                case OVERLOADED -> "503 Service unavailable";
                case UPLOAD_TOO_SLOW -> "408 Request timeout";
                default -> "422 Unprocessable CSV header";
            };
            for (var problem : new ProblemException[] {ProblemException.ofStream(code, "m"),
                    ProblemException.ofHeader(new HeaderException(code, "m"))}) {
                assertEquals(expected + " " + code.wireName() + " m",
                        problem.status() + " " + problem.title() + " " + problem.code() + " " + problem.detail());
            }
            // The rest of such a body cannot be found, is too large to read through, or comes too slowly.
            boolean closes = switch (code) {
                case UPLOAD_TOO_LARGE, TRUNCATED_UPLOAD, MALFORMED_UPLOAD, UPLOAD_TOO_SLOW -> true;
                default -> false;
            };
            assertEquals(closes, ProblemException.ofStream(code, "m").closesConnection(), code.wireName());
        }
    }

    @Test
    void theServersWireNamesDoNotCollideWithTheHeadersOrTheStreamsButForTheUploadsOwn() {
        Set<String> shared = new HashSet<>(Arrays.stream(ProblemCode.values()).map(ProblemCode::wireName).toList());
        shared.retainAll(Arrays.stream(StreamErrorCode.values()).map(StreamErrorCode::wireName).toList());
        // The same failure, answered as a problem before the 200 and as an error line after it
        // (internal_error: a bug either way; overloaded: retry later either way; upload_too_slow: a
        // wide record sent too slowly either way).
        assertEquals(Set.of("upload_too_large", "truncated_upload", "malformed_upload", "malformed_multipart", "internal_error",
                "overloaded", "upload_too_slow"), shared);
        for (HeaderCode code : HeaderCode.values()) {
            assertFalse(Arrays.stream(ProblemCode.values()).anyMatch(p -> p.wireName().equals(code.wireName())));
        }
    }
}
