package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// One cell on its way through [Field#check]: its UTF-8 bytes where they lie in the record batch,
/// and what the check made of them.
///
/// The result is a [Form] and, for [Form#VALUE], an object: most cells are typed as exactly their
/// own text (a string, an ISO date, a canonical integer), so the writer can copy their bytes and
/// no `String` is made at all. Text and typed value are made only when a check, a message or the
/// caller asks ([#text()], [#typed()]), and at most once per cell.
///
/// Mutable and not thread-safe: a validating thread reuses one `Cell` for every cell it checks.
public final class Cell {
    /// How the typed value of a checked cell is had.
    public enum Form {
        /// The typed value is the cell's text, a string (also after a failed cast, when `data`
        /// shows the raw cell).
        TEXT,
        /// The typed value is a number whose canonical JSON text is exactly the cell's text.
        NUMBER,
        /// The boolean `true`.
        TRUE,
        /// The boolean `false`.
        FALSE,
        /// The typed value is [#value()]: a `String` or a [JsonNumber] that differs from the cell's
        /// text, or a [JsonText] (the JSON types: array, object, geojson, geopoint, list).
        VALUE
    }

    private byte[] bytes;
    private int start;
    private int end;
    private String text;
    private Form form = Form.TEXT;
    private Object value;
    private boolean hasLong;
    private long longValue;

    /// Points the cell at `bytes[start, end)` (valid UTF-8) and forgets the last result.
    public Cell reset(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
        this.text = null;
        this.form = Form.TEXT;
        this.value = null;
        this.hasLong = false;
        return this;
    }

    /// A cell over `text`, for checks of single values (schema bounds, tests, inference).
    public static Cell of(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Cell cell = new Cell().reset(utf8, 0, utf8.length);
        cell.text = text;
        return cell;
    }

    /// The array the cell lies in; read only `[start(), end())`.
    public byte[] bytes() {
        return bytes;
    }

    /// Where the cell's bytes start in [#bytes()].
    public int start() {
        return start;
    }

    /// Where the cell's bytes end (exclusive) in [#bytes()].
    public int end() {
        return end;
    }

    /// The cell's length in UTF-8 bytes.
    public int length() {
        return end - start;
    }

    /// The cell's text, decoded once.
    public String text() {
        String t = text;
        if (t == null) {
            t = text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        }
        return t;
    }

    /// How the typed value is had; [Form#TEXT] until a cast says otherwise.
    public Form form() {
        return form;
    }

    /// The typed value when [#form()] is [Form#VALUE]; null otherwise.
    public Object value() {
        return value;
    }

    /// The typed value as [Field#check(String, java.util.List)] returns it: a `String`, a
    /// [JsonNumber], a `Boolean` or a [JsonText].
    public Object typed() {
        return switch (form) {
            case TEXT -> text();
            case NUMBER -> new JsonNumber(text());
            case TRUE -> true;
            case FALSE -> false;
            case VALUE -> value;
        };
    }

    /// Whether an integer cast left the value as a `long` (it has at most 18 digits).
    boolean hasLong() {
        return hasLong;
    }

    long longValue() {
        return longValue;
    }

    void typedAs(Form form) {
        this.form = form;
        this.value = null;
    }

    void typedAs(Object value) {
        this.form = Form.VALUE;
        this.value = value;
    }

    void integer(long value) {
        this.hasLong = true;
        this.longValue = value;
    }

    /// Whether the cell's bytes equal `utf8`.
    boolean is(byte[] utf8) {
        return Arrays.equals(bytes, start, end, utf8, 0, utf8.length);
    }

    @Override
    public String toString() {
        return "Cell[" + text() + " as " + form + "]";
    }
}
