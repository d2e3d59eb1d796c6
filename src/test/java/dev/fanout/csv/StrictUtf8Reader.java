package dev.fanout.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/// Decodes UTF-8 strictly and drops a leading byte-order mark.
///
/// Unlike `InputStreamReader`, it first hands out every character decoded before an invalid byte
/// sequence and fails only on the read after that, so the records before the bad bytes are still
/// validated and the failure points at the record that holds them. Not thread-safe.
final class StrictUtf8Reader extends Reader {
    private static final char BOM = '\uFEFF';

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(8 * 1024).flip();
    private CharacterCodingException pendingFailure;
    private boolean endOfInput;
    private boolean flushed;
    private boolean atStart = true;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.position() == off) {
            if (pendingFailure != null) {
                throw pendingFailure;
            }
            if (flushed) {
                return -1;
            }
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                pendingFailure = new CharacterCodingException();
                continue;
            }
            if (result.isUnderflow()) {
                if (endOfInput) {
                    decoder.flush(out);
                    flushed = true;
                } else if (out.position() == off) {
                    fill();
                }
            }
        }
        int n = out.position() - off;
        if (atStart) {
            atStart = false;
            if (cbuf[off] == BOM) {
                System.arraycopy(cbuf, off + 1, cbuf, off, n - 1);
                n--;
                if (n == 0) {
                    return read(cbuf, off, len);
                }
            }
        }
        return n;
    }

    private void fill() throws IOException {
        bytes.compact();
        try {
            int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            if (n < 0) {
                endOfInput = true;
            } else {
                bytes.position(bytes.position() + n);
            }
        } finally {
            bytes.flip();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
