package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/// A violation keeps what its message quotes as the cell's UTF-8 bytes, cut short where
/// [Violation#quote(String)] cuts the cell's text: the message made from them must be the one made
/// from the text, whichever way the violation was made, for cells of one- to four-byte characters
/// on both sides of the 80 code points a message quotes.
class ViolationTest {
    @Property(tries = 2000)
    void theQuotedBytesMakeTheMessageTheTextMakes(@ForAll("cells") String text, @ForAll("surroundings") String before,
            @ForAll("surroundings") String after) {
        byte[] lead = before.getBytes(StandardCharsets.UTF_8);
        byte[] cellBytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] array = (before + text + after).getBytes(StandardCharsets.UTF_8);
        var cell = new Cell().reset(array, lead.length, lead.length + cellBytes.length);
        String expected = Violation.quote(text) + " is wrong";
        Violation fromCell = Violation.of(ErrorCode.TYPE, cell, "is wrong");
        Violation fromText = Violation.of(ErrorCode.TYPE, text, "is wrong");
        assertEquals(expected, fromCell.message());
        assertEquals(expected, fromText.message());
        assertEquals(fromText, fromCell);
        assertEquals(fromText.hashCode(), fromCell.hashCode());
    }

    @Example
    void aCellOfMoreThan80CodePointsIsCutWithAnEllipsis() {
        String text = "é".repeat(79) + "😀" + "李" + "x".repeat(10);
        Violation violation = Violation.of(ErrorCode.MAX_LENGTH, text, "is too long");
        assertArrayEquals(("é".repeat(79) + "😀…").getBytes(StandardCharsets.UTF_8), violation.quoted());
        assertEquals("\"" + "é".repeat(79) + "😀…\" is too long", violation.message());
    }

    @Example
    void aMessageThatQuotesNothingIsItsProblem() {
        var violation = new Violation(ErrorCode.REQUIRED, "name is required");
        assertNull(violation.quoted());
        assertEquals("name is required", violation.message());
        assertNotEquals(violation, Violation.of(ErrorCode.REQUIRED, "", "name is required"));
    }

    @Provide
    Arbitrary<String> cells() {
        Arbitrary<String> chars = Arbitraries.of("a", "\"", "\\", "\n", "é", "李", "😀", "\u2028");
        // Around 80 code points most often: the cut is there.
        return Arbitraries.oneOf(chars.list().ofMinSize(0).ofMaxSize(120).map(list -> String.join("", list)),
                chars.list().ofMinSize(78).ofMaxSize(83).map(list -> String.join("", list)),
                Arbitraries.of("x".repeat(80), "x".repeat(81), "😀".repeat(80), "😀".repeat(81)));
    }

    @Provide
    Arbitrary<String> surroundings() {
        return Arbitraries.of("", "a", "é", "😀", ",\"x\"");
    }
}
