package dev.fanout.output;

import java.io.OutputStream;
import java.util.Arrays;

/// A growable byte buffer that rendering writes into; the bytes are then handed on without copying.
/// Not thread-safe.
public final class ByteSink extends OutputStream {
    private byte[] bytes;
    private int size;

    public ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /// The number of bytes written.
    public int size() {
        return size;
    }

    /// The backing array; only the first `size()` bytes are meaningful.
    public byte[] array() {
        return bytes;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
