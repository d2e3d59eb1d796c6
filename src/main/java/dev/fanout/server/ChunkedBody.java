package dev.fanout.server;

import dev.fanout.memory.PooledArrayOutput;
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
/// Bytes handed over with free room around them ([#frameInRoom]: the answer queue's pieces, which
/// keep [PooledArrayOutput#ROOM_BEFORE] and [PooledArrayOutput#ROOM_AFTER] bytes for it) are
/// framed in place: the size line is written into the room before them, the CRLF into the room
/// after, and the array goes to the socket as it is. Under four large uploads that copy and its
/// fresh frame were ~2 % of the gateway's CPU and 57 % of its garbage (bench/RESULTS.md,
/// seventeenth and twentieth passes). Only when Helidon writes each call out before it returns
/// (`write-queue-length` 0 or 1, the default 0): a listener that queues its writes keeps the
/// array after the call, when its owner has given it back to the pool. Other bytes, and every
/// write under queued writes, are copied into a fresh frame, never reused (a pooled frame was
/// slower: the pool's arrays churned through the old generation).
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
    private final boolean framesInPlace;

    private ChunkedBody(OutputStream body, boolean framesInPlace) {
        this.body = body;
        this.framesInPlace = framesInPlace;
    }

    /// Opens `response`'s body as a chunked stream framed here (see the type's doc), or as
    /// Helidon's own stream when Helidon frames it itself. Call it instead of `outputStream()`,
    /// before anything is sent. `framesInPlace`: whether Helidon is done with an array when its
    /// write returns (the listener's `write-queue-length` is at most 1), so that [#frameInRoom]
    /// may frame the caller's array itself.
    static OutputStream open(ServerResponse response, boolean framesInPlace) {
        // Larger than any answer's length, so that Helidon's length check never fails.
        response.contentLength(Long.MAX_VALUE);
        OutputStream body = response.outputStream();
        if (!response.headers().contains(HeaderNames.CONTENT_LENGTH)) {
            return body;
        }
        response.headers().remove(HeaderNames.CONTENT_LENGTH);
        response.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        return new ChunkedBody(body, framesInPlace);
    }

    /// Frames chunks onto `body` as it is (a stream that takes the frames), for tests of the framing
    /// without an HTTP exchange.
    static ChunkedBody onto(OutputStream body, boolean framesInPlace) {
        return new ChunkedBody(body, framesInPlace);
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
        int head = headLength(len);
        // The copy comes first, straight after the allocation: C2 then zeroes only the frame's
        // size line and CRLF, not the bytes the copy covers (before, the zeroing was 1.7 % of the
        // gateway's CPU under four large uploads).
        byte[] frame = new byte[head + len + 2];
        System.arraycopy(b, off, frame, head, len);
        putHead(frame, 0, len);
        frame[head + len] = '\r';
        frame[head + len + 1] = '\n';
        body.write(frame, 0, frame.length);
    }

    /// Whether `b[off, off + len)` can be framed as one chunk in `b` itself: Helidon is done with
    /// an array when its write returns, the range is not empty, and `b` has room for the size line
    /// before it and the CRLF after.
    boolean framesInRoom(byte[] b, int off, int len) {
        return framesInPlace && len > 0 && off >= headLength(len) && b.length - (off + len) >= 2;
    }

    /// Frames `b[off, off + len)` as one chunk in `b` itself (only when [#framesInRoom]): its
    /// size line goes into the room before `off`, its CRLF into the two bytes after. Returns where
    /// the frame starts; it ends at `off + len + 2`. The frame is then sent with [#writeFramed], in
    /// one call or in several in order: a piece larger than one socket write is sent as one chunk
    /// in slices, each watched for the write deadline, rather than as a chunk per slice, each of
    /// which would need a fresh frame. The caller gives up `b`'s bytes outside the range, and must
    /// not reuse `b` before the last of those writes returns.
    int frameInRoom(byte[] b, int off, int len) {
        int start = off - headLength(len);
        putHead(b, start, len);
        b[off + len] = '\r';
        b[off + len + 1] = '\n';
        return start;
    }

    /// Sends `b[from, from + n)`, part of a frame made by [#frameInRoom], as it is.
    void writeFramed(byte[] b, int from, int n) throws IOException {
        body.write(b, from, n);
    }

    /// The length of a chunk's size line, CRLF included, for `len` bytes.
    private static int headLength(int len) {
        return topDigitShift(len) / 4 + 1 + 2;
    }

    /// The shift of `len`'s highest hexadecimal digit.
    private static int topDigitShift(int len) {
        return (31 - Integer.numberOfLeadingZeros(len)) & ~3;
    }

    /// Writes the size line of a chunk of `len` bytes at `at`.
    private static void putHead(byte[] b, int at, int len) {
        for (int shift = topDigitShift(len); shift >= 0; shift -= 4) {
            b[at++] = HEX[(len >>> shift) & 0xf];
        }
        b[at++] = '\r';
        b[at] = '\n';
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
