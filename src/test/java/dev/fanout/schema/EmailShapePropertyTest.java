package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/// The e-mail check works on a cell's UTF-8 bytes where they lie ([StringCaster#isEmail]); it
/// must say what the rule says of the cell's characters, one by one, whatever lies around the
/// cell in its array.
class EmailShapePropertyTest {
    @Property(tries = 3000)
    void theByteCheckSaysWhatTheRuleSays(@ForAll("cells") String cell, @ForAll("surroundings") String before,
            @ForAll("surroundings") String after) {
        byte[] utf8 = cell.getBytes(StandardCharsets.UTF_8);
        byte[] lead = before.getBytes(StandardCharsets.UTF_8);
        byte[] array = (before + cell + after).getBytes(StandardCharsets.UTF_8);
        assertEquals(byTheRule(cell), StringCaster.isEmail(array, lead.length, lead.length + utf8.length),
                () -> "cell \"" + cell + "\" between \"" + before + "\" and \"" + after + "\"");
    }

    @Example
    void labelsOfEveryLengthAroundTheAtAndTheDots() {
        for (int local = 1; local <= 17; local++) {
            for (int label = 1; label <= 17; label++) {
                String address = "a".repeat(local) + "@" + "b".repeat(label) + ".c";
                assertEquals(true, StringCaster.isEmail(bytes(address), 0, bytes(address).length), address);
                String empty = "a".repeat(local) + "@" + "b".repeat(label) + "..c";
                assertEquals(false, StringCaster.isEmail(bytes(empty), 0, bytes(empty).length), empty);
                String spaced = "a".repeat(local) + "@" + "b".repeat(label) + ".c d";
                assertEquals(false, StringCaster.isEmail(bytes(spaced), 0, bytes(spaced).length), spaced);
                // The domain is checked eight bytes at a time: dots at every place in a word.
                for (int second = 1; second <= 9; second++) {
                    String labels = "a".repeat(local) + "@" + "b".repeat(label) + "." + "c".repeat(second) + ".d";
                    assertEquals(true, StringCaster.isEmail(bytes(labels), 0, bytes(labels).length), labels);
                    String dotFirst = "a".repeat(local) + "@." + "b".repeat(label) + "." + "c".repeat(second);
                    assertEquals(false, StringCaster.isEmail(bytes(dotFirst), 0, bytes(dotFirst).length), dotFirst);
                    String dotLast = "a".repeat(local) + "@" + "b".repeat(label) + "." + "c".repeat(second) + ".";
                    assertEquals(false, StringCaster.isEmail(bytes(dotLast), 0, bytes(dotLast).length), dotLast);
                }
            }
        }
    }

    @Provide
    Arbitrary<String> cells() {
        // Mostly the characters the rule is about.
        Arbitrary<Character> c = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.chars().range('a', 'z')),
                Tuple.of(3, Arbitraries.of('@')),
                Tuple.of(4, Arbitraries.of('.')),
                Tuple.of(1, Arbitraries.of(' ', '\t', '\n', '\u007f', '\u0000', '!', '~', '-', '+')),
                Tuple.of(2, Arbitraries.of('é', 'ß', '\u00a0', '\u0085', '\u2003', '\u3000', '€', '字')),
                Tuple.of(1, Arbitraries.of("\ud83d\ude00").map(s -> s.charAt(0))));
        return c.list().ofMaxSize(40).map(chars -> {
            var text = new StringBuilder();
            for (char ch : chars) {
                // A lone high surrogate stands for a whole supplementary character here.
                text.append(Character.isHighSurrogate(ch) ? "\ud83d\ude00" : String.valueOf(ch));
            }
            return text.toString();
        });
    }

    @Provide
    Arbitrary<String> surroundings() {
        return Arbitraries.of("", "x", "@", ".", " ", "abcdefg", "a@b.c,", "\u00e9");
    }

    /// The rule as the SPEC's README states it, a character at a time: exactly one `@` after a
    /// non-empty local part, a domain of two or more non-empty dot-separated labels, no
    /// whitespace or control characters anywhere (as `Character` says of each UTF-16 unit).
    private static boolean byTheRule(String cell) {
        int at = cell.indexOf('@');
        if (at <= 0 || cell.indexOf('@', at + 1) >= 0) {
            return false;
        }
        for (int i = 0; i < cell.length(); i++) {
            char ch = cell.charAt(i);
            if (Character.isWhitespace(ch) || Character.isISOControl(ch)) {
                return false;
            }
        }
        String[] labels = cell.substring(at + 1).split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
