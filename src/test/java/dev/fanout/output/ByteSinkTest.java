package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// Row lines are encoded by hand for speed; they must be the bytes jackson-core would write,
/// except that characters outside the BMP are written as raw UTF-8 (as the Go and Rust peers do)
/// where Jackson 2 escapes each surrogate.
class ByteSinkTest {
    private static final JsonFactory JACKSON = new JsonFactory();

    @Property(tries = 500)
    void jsonStringsAreEncodedAsJacksonDoes(@ForAll("text") String text) throws IOException {
        assertEquals(jackson(text), ours(text));
    }

    @Property(tries = 500)
    void utf8BytesAreEncodedAsTheirTextIs(@ForAll("text") String text) {
        byte[] utf8 = ("<" + text + ">").getBytes(StandardCharsets.UTF_8);
        var sink = new ByteSink(4);
        sink.appendJsonString(utf8, 1, utf8.length - 1);
        assertEquals(ours(text), new String(sink.toByteArray(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline\rcr\b\f", "\u0001\u001f\u007f",
        "Zoë 李", "\u2028\u2029", "nul \u0000"})
    void knownAwkwardStrings(String text) throws IOException {
        assertEquals(jackson(text), ours(text));
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        var sink = new ByteSink(1);
        sink.appendJsonString(utf8, 0, utf8.length);
        assertEquals(ours(text), new String(sink.toByteArray(), StandardCharsets.UTF_8));
        String long_ = "x".repeat(300) + text + "y".repeat(300);
        assertEquals(jackson(long_), ours(long_));
    }

    @Property(tries = 200)
    void longsAreDecimal(@ForAll long value) {
        var sink = new ByteSink(1);
        sink.appendLong(value);
        assertEquals(Long.toString(value), new String(sink.toByteArray(), StandardCharsets.US_ASCII));
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').withChars('"', '\\', '\u2028', '李')
                .ofMaxLength(200)
                .injectDuplicates(0.01)
;
    }

    @ParameterizedTest
    @ValueSource(strings = {"😀", "a😀b", "李😀\"\n"})
    void charactersOutsideTheBmpAreRawUtf8AndReadBack(String text) throws IOException {
        String json = ours(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        var sink = new ByteSink(1);
        sink.appendJsonString(utf8, 0, utf8.length);
        assertEquals(json, new String(sink.toByteArray(), StandardCharsets.UTF_8));
        assertEquals(false, json.contains("\\uD83D"), json);
        try (var parser = JACKSON.createParser(json.getBytes(StandardCharsets.UTF_8))) {
            parser.nextToken();
            assertEquals(text, parser.getText());
        }
    }

    private static String ours(String text) {
        var sink = new ByteSink(4);
        sink.appendJsonString(text);
        return new String(sink.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String jackson(String text) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gen = JACKSON.createGenerator(out)) {
            gen.writeString(text);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
