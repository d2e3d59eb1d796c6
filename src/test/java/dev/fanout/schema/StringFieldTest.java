package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StringFieldTest {
    private final Field plain = field("{\"name\":\"s\"}");
    private final Field email = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"email\"}");
    private final Field uri = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"uri\"}");
    private final Field uuid = field("{\"name\":\"s\",\"type\":\"string\",\"format\":\"uuid\"}");

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"anything", " spaced ", "123", "ünïcödé 🎉", "\"quoted\""})
    void aStringFieldWithoutTypeAcceptsEveryCellAsIs(String raw) {
        assertEquals(FieldType.STRING, plain.type());
        assertEquals("default", plain.format());
        assertEquals(raw, valid(plain, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"ada@example.org", "a.b+tag@sub.example.co.uk", "x@y.z", "\"odd\"@example.org",
        "user@localhost.localdomain"})
    void acceptsEmailAddresses(String raw) {
        assertEquals(raw, valid(email, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"x@", "@example.org", "ada", "ada@example", "a@b@example.org", "ada @example.org",
        "ada@exa mple.org", "ada@.example.org", "ada@example.", "ada@example..org", "ada@example.org\t"})
    void rejectsNonEmailsAsFormatErrors(String raw) {
        assertEquals("\"" + raw + "\" is not a valid email address", invalid(email, raw, ErrorCode.FORMAT));
    }

    /// Characters outside ASCII count as whitespace or control characters as `Character` says
    /// (U+00A0 is neither, U+2003 and U+3000 are whitespace, U+0085 is a control character), and
    /// four-byte characters are never either.
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"jos\u00e9@ex\u00e4mple.org", "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
        "a\ud83d\ude00@b.c\ud83d\ude00", "!#$%&'*+/=?^_`{|}~-@example.org", "a\u00a0b@example.org",
        "a@b.c", "\u07ff@\u0800.\uffff"})
    void acceptsEmailAddressesBeyondAscii(String raw) {
        assertEquals(raw, valid(email, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a\u2003b@example.org", "ada@exa\u3000mple.org", "a\u0085b@example.org",
        "ada@example.org\u0085", "a\u007fb@example.org", "ada@exam\u007fple.org", "ada@example.org\u2028",
        "ada@example.org\u001f", "a\u001fb@example.org", "\u0085@example.org"})
    void rejectsWhitespaceAndControlCharactersBeyondAscii(String raw) {
        invalid(email, raw, ErrorCode.FORMAT);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"https://example.org/a?b=c#d", "mailto:ada@example.org", "urn:isbn:0451450523",
        "ftp://ftp.example.org/file.txt", "file:///tmp/x"})
    void acceptsAbsoluteUris(String raw) {
        assertEquals(raw, valid(uri, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"example.org", "/relative/path", "http://exa mple.org", "://nothing", "http://[bad"})
    void rejectsRelativeAndMalformedUris(String raw) {
        assertEquals("\"" + raw + "\" is not a valid URI (an absolute URI with a scheme is required)",
                invalid(uri, raw, ErrorCode.FORMAT));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000",
        "00000000-0000-0000-0000-000000000000"})
    void acceptsUuids(String raw) {
        assertEquals(raw, valid(uuid, raw));
    }

    /// Each end of the three digit ranges (0-9, a-f, A-F) is a digit; the characters next to
    /// them are not.
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"09afAF09-afAF-09af-AF09-afAF09afAF09", "90faFA90-faFA-90fa-FA90-faFA90faFA90"})
    void acceptsUuidsAtTheEdgesOfEachDigitRange(String raw) {
        assertEquals(raw, valid(uuid, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000", "g23e4567-e89b-12d3-a456-426614174000",
        "{123e4567-e89b-12d3-a456-426614174000}", "123e4567-e89b-12d3a-456-426614174000",
        "/23e4567-e89b-12d3-a456-426614174000", ":23e4567-e89b-12d3-a456-426614174000",
        "`23e4567-e89b-12d3-a456-426614174000", "@23e4567-e89b-12d3-a456-426614174000",
        "G23e4567-e89b-12d3-a456-426614174000", "123e4567_e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-42661417400g"})
    void rejectsNonUuids(String raw) {
        assertEquals("\"" + raw + "\" is not a valid UUID (8-4-4-4-12 hexadecimal digits)",
                invalid(uuid, raw, ErrorCode.FORMAT));
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
        String message = invalid(email, raw, ErrorCode.FORMAT);
        assertEquals("\"" + "é".repeat(Violation.QUOTE_LIMIT) + "…\" is not a valid email address", message);
    }
}
