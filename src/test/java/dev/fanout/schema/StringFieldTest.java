package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StringFieldTest {
    private static final Field PLAIN = field("{\"name\":\"s\"}");
    private static final Field EMAIL = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"email\"}");
    private static final Field URI = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"uri\"}");
    private static final Field UUID = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"uuid\"}");

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"anything", " spaced ", "123", "ünïcödé 🎉", "\"quoted\""})
    void aStringFieldWithoutTypeAcceptsEveryCellAsIs(String raw) {
        assertEquals(FieldType.STRING, PLAIN.type());
        assertEquals("default", PLAIN.format());
        assertEquals(raw, valid(PLAIN, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"ada@example.org", "a.b+tag@sub.example.co.uk", "x@y.z", "\"odd\"@example.org",
        "user@localhost.localdomain"})
    void acceptsEmailAddresses(String raw) {
        assertEquals(raw, valid(EMAIL, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"x@", "@example.org", "ada", "ada@example", "a@b@example.org", "ada @example.org",
        "ada@exa mple.org", "ada@.example.org", "ada@example.", "ada@example..org", "ada@example.org\t"})
    void rejectsNonEmailsAsFormatErrors(String raw) {
        assertEquals("\"" + raw + "\" is not a valid email address", invalid(EMAIL, raw, ErrorCode.FORMAT));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"https://example.org/a?b=c#d", "mailto:ada@example.org", "urn:isbn:0451450523",
        "ftp://ftp.example.org/file.txt", "file:///tmp/x"})
    void acceptsAbsoluteUris(String raw) {
        assertEquals(raw, valid(URI, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"example.org", "/relative/path", "http://exa mple.org", "://nothing", "http://[bad"})
    void rejectsRelativeAndMalformedUris(String raw) {
        assertEquals("\"" + raw + "\" is not a valid URI (an absolute URI with a scheme is required)",
                invalid(URI, raw, ErrorCode.FORMAT));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000",
        "00000000-0000-0000-0000-000000000000"})
    void acceptsUuids(String raw) {
        assertEquals(raw, valid(UUID, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000", "g23e4567-e89b-12d3-a456-426614174000",
        "{123e4567-e89b-12d3-a456-426614174000}", "123e4567-e89b-12d3a-456-426614174000"})
    void rejectsNonUuids(String raw) {
        assertEquals("\"" + raw + "\" is not a valid UUID (8-4-4-4-12 hexadecimal digits)",
                invalid(UUID, raw, ErrorCode.FORMAT));
    }

    @Test
    void aFormatFailureSkipsTheConstraints() {
        Field field = field("{\"name\":\"s\",\"format\":\"email\",\"constraints\":{\"minLength\":50,"
                + "\"pattern\":\"[a-z]+\"}}");
        invalid(field, "x@", ErrorCode.FORMAT);
    }

    @Test
    void longCellsAreCutShortInMessages() {
        String raw = "é".repeat(200);
        String message = invalid(EMAIL, raw, ErrorCode.FORMAT);
        assertEquals("\"" + "é".repeat(Violation.QUOTE_LIMIT) + "…\" is not a valid email address", message);
    }
}
