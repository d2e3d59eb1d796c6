package dev.fanout.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/// A streamed answer's body in HTTP/1.1 chunked framing, framed here rather than by Helidon.
///
/// Helidon 4.5 frames every write of a chunked body into a new array, which it fills through
/// another new array (`Http1ServerResponse.writeChunked`, `FixedBufferData.write(BufferData)`): two
/// allocations and two copies of every byte of a streamed answer. Under four large uploads that was
/// 70 % of the gateway's garbage (bench/RESULTS.md, thirteenth and fourteenth passes). Here each
/// write is copied once, into a new array with its size line before it and its CRLF after, and
/// handed to the socket in one call, as Helidon's own chunks are.
///
/// Helidon sends a body with a `Content-Length` as it is given (no copy after the head's write);
/// so the response asks for a stream with a `Content-Length` no answer reaches, and then, before
/// anything is sent, replaces that header with `Transfer-Encoding: chunked`. Helidon decides
/// whether it frames the body when the stream is made, and builds the head from the headers as they
/// are at the first write: the head announces chunks, and the chunks are framed here. If Helidon
/// frames the stream itself after all (something dropped the `Content-Length` when the stream was
/// made, as a content encoder would), its stream is used as it is.
///
/// Each frame is a fresh array, never reused: Helidon may keep it after the write returns (a
/// listener with `write-queue-length` above 1 queues its writes). A pooled frame was slower: the
/// pool's arrays churned through the old generation (bench/RESULTS.md).
///
/// Helidon's `stream-result` trailer, which it adds for a client that asks with `TE: trailers`, is
/// not sent: the answer's own last line says how the validation ended.
///
/// A frame smaller than Helidon's write buffer (`write-buffer-size`, 4 KiB by default) waits in it
/// for the next write or a flush, as a small write to Helidon's own stream does. Closing writes the
/// last chunk. Not thread-safe: one writer.
final class ChunkedBody extends OutputStream {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream body;

    private ChunkedBody(OutputStream body) {
        this.body = body;
    }

    /// Opens `response`'s body as a chunked stream framed here (see the type's doc), or as
    /// Helidon's own stream when Helidon frames it itself. Call it instead of `outputStream()`,
    /// before anything is sent.
    static OutputStream open(ServerResponse response) {
        // Larger than any answer's length, so that Helidon's length check never fails.
        response.contentLength(Long.MAX_VALUE);
        OutputStream body = response.outputStream();
        if (!response.headers().contains(HeaderNames.CONTENT_LENGTH)) {
            return body;
        }
        response.headers().remove(HeaderNames.CONTENT_LENGTH);
        response.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        return new ChunkedBody(body);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /// Writes `len` bytes as one chunk (none when `len` is 0: a chunk of size 0 would end the body).
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        int topShift = (31 - Integer.numberOfLeadingZeros(len)) & ~3;
        int head = topShift / 4 + 1 + 2;
        // The copy comes first, straight after the allocation: C2 then zeroes only the frame's
        // size line and CRLF, not the bytes the copy covers (before, the zeroing was 1.7 % of the
        // gateway's CPU under four large uploads).
        byte[] frame = new byte[head + len + 2];
        System.arraycopy(b, off, frame, head, len);
        int at = 0;
        for (int shift = topShift; shift >= 0; shift -= 4) {
            frame[at++] = HEX[(len >>> shift) & 0xf];
        }
        frame[at++] = '\r';
        frame[at] = '\n';
        frame[head + len] = '\r';
        frame[head + len + 1] = '\n';
        body.write(frame, 0, frame.length);
    }

    @Override
    public void flush() throws IOException {
        body.flush();
    }

    /// Writes the last chunk and closes Helidon's stream (which sends what its buffer holds), the
    /// stream even when the write fails (the client is gone).
    @Override
    public void close() throws IOException {
        try {
            body.write(LAST_CHUNK);
        } finally {
            body.close();
        }
    }
}
