package dev.fanout.schema;

import dev.fanout.output.RowValues;

/// One checked cell as the engine's row table hands it to the renderer: lets a schema test render
/// a cast value through the real `NdjsonRenderer` and read it back.
record OneCellRow(Cell cell) implements RowValues {
    @Override
    public byte form(int key) {
        return switch (cell.form()) {
            case TEXT -> TEXT;
            case NUMBER -> NUMBER;
            case TRUE -> TRUE;
            case FALSE -> FALSE;
            case VALUE -> VALUE;
        };
    }

    @Override
    public byte[] bytes() {
        return cell.bytes();
    }

    @Override
    public int start(int key) {
        return cell.start();
    }

    @Override
    public int end(int key) {
        return cell.end();
    }

    @Override
    public Object value(int key) {
        return cell.value();
    }

    @Override
    public int bytesBound() {
        return cell.length();
    }
}
