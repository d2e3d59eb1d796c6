package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import dev.fanout.memory.BufferPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
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

    /// Each digit count's first and last value, where a digit counted wrong would show.
    @ParameterizedTest
    @ValueSource(longs = {0, 9, 10, 99, 100, 999, 1000, 99_999, 100_000, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -10, -100, Long.MIN_VALUE + 1, Long.MIN_VALUE})
    void longsAtEveryDigitCountAreDecimal(long value) {
        var sink = new ByteSink(1);
        sink.write('[');
        sink.appendLong(value);
        sink.write(']');
        assertEquals("[" + value + "]", new String(sink.toByteArray(), StandardCharsets.US_ASCII));
    }

    /// The first and last character of each UTF-8 length, 1 to 4 bytes (the last two the highest
    /// planes, whose lead byte has bits from above the first 18).
    @ParameterizedTest
    @ValueSource(strings = {"\u007f", "\u0080", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff",
        "\ud800\udc00", "\udb40\udc41", "\udbff\udfff"})
    void everyUtf8LengthIsEncodedExactly(String text) {
        assertArrayEquals(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8), oursBytes(text));
    }

    /// A lone surrogate cannot be UTF-8: it is written as U+FFFD, wherever it is.
    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\ud800b", "a\udc00", "a\ud800", "\udc00\ud800", "?\ud800?",
        "is it? quoted \ud800, and more? text past two words", "0123456789abcdef\udfff is not a valid email address?"})
    void loneSurrogatesAreReplacementCharacters(String text) {
        // Compared as bytes: decoding would turn a broken sequence into U+FFFD too.
        assertArrayEquals(("\"" + withLoneSurrogatesReplaced(text) + "\"").getBytes(StandardCharsets.UTF_8),
                oursBytes(text));
    }

    /// `text` with each lone surrogate replaced by U+FFFD (a regex sees a pair as one code point).
    private static String withLoneSurrogatesReplaced(String text) {
        return text.replaceAll("[\\ud800-\\udfff]", "\uFFFD");
    }

    /// One sink, many strings: the char buffer kept between calls grows when a longer string
    /// comes, and a stale char left in it past the current string is never read (here a low
    /// surrogate that would pair with a lone high surrogate at the end).
    @Test
    void aReusedSinkEncodesEachStringOnItsOwn() {
        var sink = new ByteSink(4);
        var expected = new StringBuilder();
        for (String text : new String[] {"short", "x".repeat(100) + "é", "a\uD83D\uDE00", "a\uD83D", "b",
            "y".repeat(1000)}) {
            sink.appendJsonString(text);
            expected.append('"').append(withLoneSurrogatesReplaced(text)).append('"');
        }
        assertEquals(expected.toString(), new String(sink.toByteArray(), StandardCharsets.UTF_8));
    }

    /// Every way in grows a sink that is exactly full, even by a single byte.
    @Test
    void everyAppendGrowsAFullSink() {
        byte[] utf8 = "\"".getBytes(StandardCharsets.UTF_8);
        assertEquals("0123456789abcdefZ", appendedToFull(sink -> sink.write('Z')));
        assertEquals("0123456789abcdefxy", appendedToFull(sink -> sink.write(new byte[] {'x', 'y'}, 0, 2)));
        assertEquals("0123456789abcdefxyz", appendedToFull(sink -> sink.append(new byte[] {'x', 'y', 'z'})));
        assertEquals("0123456789abcdef1.5", appendedToFull(sink -> sink.appendAscii("1.5")));
        assertEquals("0123456789abcdef-42", appendedToFull(sink -> sink.appendLong(-42)));
        assertEquals("0123456789abcdef\"\"", appendedToFull(sink -> sink.appendJsonString("")));
        assertEquals("0123456789abcdef\"\"", appendedToFull(sink -> sink.appendJsonString(utf8, 0, 0)));
        assertEquals("0123456789abcdef\"\\\"\"", appendedToFull(sink -> sink.appendJsonString(utf8, 0, 1)));
    }

    @Test
    void sizeIsSetOnlyWithinTheArray() {
        var sink = new ByteSink(16);
        sink.appendAscii("abcdef");
        byte[] array = sink.reserve(10);
        assertEquals(6, sink.size());
        array[6] = 'g';
        sink.size(7);
        assertEquals("abcdefg", new String(sink.toByteArray(), StandardCharsets.US_ASCII));
        sink.size(0);
        assertEquals(0, sink.toByteArray().length);
        sink.size(array.length);
        assertEquals(array.length, sink.size());
        assertThrows(IndexOutOfBoundsException.class, () -> sink.size(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> sink.size(array.length + 1));
    }

    /// What a sink of capacity 16, filled to it, holds after `append`.
    private static String appendedToFull(java.util.function.Consumer<ByteSink> append) {
        var sink = new ByteSink(16);
        sink.appendAscii("0123456789abcdef");
        assertEquals(16, sink.array().length);
        append.accept(sink);
        return new String(sink.toByteArray(), StandardCharsets.UTF_8);
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

    /// A rendered chunk's sink: when it outgrows its pooled array, the larger one comes from the
    /// pool and the full one goes back, its bytes carried over.
    @Test
    void aSinkOverAPooledArrayGrowsFromThePoolAndGivesTheFullArrayBack() {
        var pool = new BufferPool(1 << 20);
        byte[] first = pool.take(4096);
        var sink = new ByteSink(first, pool);
        byte[] written = new byte[10_000];
        for (int i = 0; i < written.length; i++) {
            written[i] = (byte) (i * 31);
        }
        sink.write(written, 0, 3000);
        assertSame(first, sink.array());
        sink.write(written, 3000, written.length - 3000);
        assertEquals(16384, sink.array().length, "the pool's next size up from 10,000 bytes");
        assertArrayEquals(written, Arrays.copyOf(sink.array(), sink.size()));
        assertEquals(4096, pool.idleBytes(), "the full array given back");
        assertSame(first, pool.take(4096));
    }

    private static String ours(String text) {
        return new String(oursBytes(text), StandardCharsets.UTF_8);
    }

    private static byte[] oursBytes(String text) {
        var sink = new ByteSink(4);
        sink.appendJsonString(text);
        return sink.toByteArray();
    }

    private static String jackson(String text) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gen = JACKSON.createGenerator(out)) {
            gen.writeString(text);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
