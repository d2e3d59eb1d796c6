package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/// A field's [QuickCheck] decides a cell only as [Field#check] would: whatever it calls valid,
/// the full check finds valid and types the same way. It may leave any cell undecided, but must
/// decide the common valid ones, or the engine's quick path would never be taken.
class QuickCheckPropertyTest {
    private static final List<String> FIELDS = List.of(
            "{\"name\":\"s\",\"type\":\"string\"}",
            "{\"name\":\"s\",\"type\":\"string\",\"constraints\":{\"minLength\":2,\"maxLength\":5}}",
            "{\"name\":\"s\",\"type\":\"string\",\"constraints\":{\"minLength\":1}}",
            "{\"name\":\"e\",\"type\":\"string\",\"format\":\"email\"}",
            "{\"name\":\"e\",\"type\":\"string\",\"format\":\"email\",\"constraints\":{\"maxLength\":12}}",
            "{\"name\":\"s\",\"type\":\"string\",\"constraints\":{\"pattern\":\"[a-z]+\"}}",
            "{\"name\":\"s\",\"type\":\"string\",\"format\":\"uuid\"}",
            "{\"name\":\"i\",\"type\":\"integer\"}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"minimum\":1,\"maximum\":150}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"minimum\":-5,\"maximum\":0}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"exclusiveMinimum\":-3,\"exclusiveMaximum\":3}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"minimum\":\"99999999999999999999\"}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"maximum\":9223372036854775807}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"groupChar\":\",\"}",
            "{\"name\":\"i\",\"type\":\"integer\",\"bareNumber\":false}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"enum\":[\"1\",\"2\"]}}",
            "{\"name\":\"n\",\"type\":\"number\"}",
            "{\"name\":\"b\",\"type\":\"boolean\"}",
            // Exclusive bounds at a long's ends (held as big numbers: more than 18 digits).
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"exclusiveMinimum\":9223372036854775807}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"exclusiveMaximum\":-9223372036854775808}}",
            "{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"exclusiveMinimum\":9223372036854775806}}");

    @Property(tries = 4000)
    void whatTheQuickCheckCallsValidTheFullCheckDoesToo(@ForAll("fieldIndexes") int fieldIndex,
            @ForAll("cells") String cell) {
        Field field = FieldFixture.field(FIELDS.get(fieldIndex));
        byte[] around = ("x" + cell + "y").getBytes(StandardCharsets.UTF_8);
        int length = cell.getBytes(StandardCharsets.UTF_8).length;
        byte quick = field.quickCheck().check(around, 1, 1 + length);
        if (quick == QuickCheck.UNDECIDED) {
            return;
        }
        var violations = new ArrayList<Violation>();
        Cell checked = Cell.of(cell);
        field.check(checked, violations);
        assertEquals(List.of(), violations, () -> field + " \"" + cell + "\"");
        assertEquals(quick == QuickCheck.NUMBER ? Cell.Form.NUMBER : Cell.Form.TEXT, checked.form(),
                () -> field + " \"" + cell + "\"");
    }

    /// An empty cell is checked when the field's missing values leave it out; the last cell of a
    /// batch may end where its array does.
    @Example
    void anEmptyCellAtTheEndOfItsArrayIsLeftToTheFullCheck() {
        for (String json : FIELDS) {
            Field field = FieldFixture.field(json);
            byte quick = field.quickCheck().check(new byte[] {'1'}, 1, 1);
            var violations = new ArrayList<Violation>();
            field.check(Cell.of(""), violations);
            assertTrue(quick == QuickCheck.UNDECIDED || violations.isEmpty(), json);
        }
    }

    @Example
    void theCommonValidCellsAreDecided() {
        assertDecided("{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"minimum\":1}}", QuickCheck.NUMBER,
                "1", "42", "999999999999999999");
        assertDecided("{\"name\":\"i\",\"type\":\"integer\",\"constraints\":{\"minimum\":-5,\"maximum\":150}}",
                QuickCheck.NUMBER, "0", "-5", "150");
        assertDecided("{\"name\":\"e\",\"type\":\"string\",\"format\":\"email\"}", QuickCheck.TEXT,
                "radia.liskov1@example.org", "a@b.c");
        assertDecided("{\"name\":\"s\",\"type\":\"string\",\"constraints\":{\"maxLength\":64}}", QuickCheck.TEXT,
                "Oslo", "Washington, D.C.", "é");
        // Short cells are counted by code point, not by byte.
        assertDecided("{\"name\":\"s\",\"type\":\"string\",\"constraints\":{\"minLength\":2,\"maxLength\":3}}",
                QuickCheck.TEXT, "Ada", "Zoë", "李李李", "ab");
    }

    @Example
    void fieldsWithOtherChecksAreLeftToTheFullCheck() {
        for (String json : List.of(FIELDS.get(5), FIELDS.get(6), FIELDS.get(15), FIELDS.get(16), FIELDS.get(17))) {
            QuickCheck quick = FieldFixture.field(json).quickCheck();
            assertFalse(quick.decides(), json);
            assertEquals(QuickCheck.UNDECIDED, quick.check("true".getBytes(StandardCharsets.UTF_8), 0, 4), json);
        }
        // Beyond what a long holds, and the spellings that are not the value's own text.
        Field integer = FieldFixture.field(FIELDS.get(7));
        for (String cell : List.of("1234567890123456789", "+5", "007", "-0", "1,000", " 1")) {
            byte[] utf8 = cell.getBytes(StandardCharsets.UTF_8);
            assertEquals(QuickCheck.UNDECIDED, integer.quickCheck().check(utf8, 0, utf8.length), cell);
        }
    }

    private static void assertDecided(String json, byte form, String... cells) {
        QuickCheck quick = FieldFixture.field(json).quickCheck();
        assertTrue(quick.decides(), json);
        for (String cell : cells) {
            byte[] utf8 = cell.getBytes(StandardCharsets.UTF_8);
            assertEquals(form, quick.check(utf8, 0, utf8.length), json + " \"" + cell + "\"");
        }
    }

    @Provide
    Arbitrary<Integer> fieldIndexes() {
        return Arbitraries.integers().between(0, FIELDS.size() - 1);
    }

    @Provide
    Arbitrary<String> cells() {
        Arbitrary<Character> c = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.chars().range('0', '9')),
                Tuple.of(6, Arbitraries.chars().range('a', 'e')),
                Tuple.of(2, Arbitraries.of('-', '+', ',', '.', '@')),
                Tuple.of(1, Arbitraries.of(' ', '\t', '\u007f', 'é', '€', '字')));
        Arbitrary<String> mixed = c.list().ofMinSize(1).ofMaxSize(22)
                .map(chars -> chars.stream().map(String::valueOf).reduce("", String::concat));
        Arbitrary<String> numbers = Arbitraries.longs().map(String::valueOf);
        Arbitrary<String> emails = Arbitraries.strings().withChars("ab.@é ").ofMinLength(1).ofMaxLength(16);
        return Arbitraries.oneOf(mixed, numbers, emails);
    }
}
