package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The error line's codes are a contract with clients: their wire names are the README's list
/// ("In-stream error codes"), in its order, and never change.
class StreamErrorCodeTest {
    @Test
    void theWireNamesAreTheReadmesList() {
        assertEquals(List.of("malformed_csv", "invalid_utf8", "field_too_large", "too_many_columns", "record_too_large",
                "upload_too_large",
                "truncated_upload", "malformed_upload", "malformed_multipart", "read_failed", "internal_error", "max_errors",
                "too_many_keys", "overloaded", "upload_too_slow"),
                Arrays.stream(StreamErrorCode.values()).map(StreamErrorCode::wireName).toList());
    }
}
