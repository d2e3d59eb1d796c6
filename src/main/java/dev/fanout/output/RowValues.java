package dev.fanout.output;

/// The values of one row's `data`, as [NdjsonRenderer.Lines#row] reads them: for each key, in
/// order, how its value is written — most often as the bytes of a CSV cell, a string or a
/// number — and where those bytes are. The engine's table of validated rows is one.
public interface RowValues {
    /// The value is `null`.
    byte NULL = 0;
    /// The value is the string whose UTF-8 bytes are `bytes()[start(key), end(key))`.
    byte TEXT = 1;
    /// The value is the JSON number whose text is `bytes()[start(key), end(key))`.
    byte NUMBER = 2;
    /// The value is `true`.
    byte TRUE = 3;
    /// The value is `false`.
    byte FALSE = 4;
    /// The value is [#value(int)]: a `String`, a `JsonNumber`, a `Boolean` or a `JsonText`
    /// (JSON written as it is).
    byte VALUE = 5;

    /// How key `key`'s value is written: one of the constants above.
    byte form(int key);

    /// The array that holds the TEXT and NUMBER values' bytes.
    byte[] bytes();

    int start(int key);

    int end(int key);

    Object value(int key);

    /// At least the sum of the lengths of the TEXT and NUMBER values, so that the renderer can
    /// reserve room for the whole line at once.
    int bytesBound();
}
