package dev.fanout.memory;

import java.io.IOException;

/// An output that can take an array of the shared [BufferPool] over instead of copying it: the
/// writer hands the array on and forgets it, and the output gives it back to the pool once its
/// bytes are sent or dropped.
///
/// Why: the gateway's answer queue copied every rendered chunk into an array of its own, and a
/// small answer was then copied once more into one array to send — two trips through the pool and
/// two copies per request (under W1, 500 connections of 20-row uploads, the pool's queues took
/// ~4 % of the gateway's CPU; bench/RESULTS.md, thirteenth pass).
///
/// A writer leaves [#ROOM_BEFORE] free bytes before the bytes it hands over and, where the array
/// has them, [#ROOM_AFTER] after: the gateway writes an HTTP/1.1 chunk's size line and CRLF
/// there and sends the array as it is, instead of copying every byte into a frame of its own
/// (bench/RESULTS.md, twentieth pass).
public interface PooledArrayOutput {
    /// The free bytes a writer leaves before the bytes it hands over: an HTTP/1.1 chunk's size
    /// line, up to eight hex digits and a CRLF.
    int ROOM_BEFORE = 10;
    /// The free bytes a writer leaves after them where it can: the chunk's CRLF.
    int ROOM_AFTER = 2;

    /// Writes `array[from, to)` and takes the array over, whether this returns or throws: the
    /// caller must not touch it again. The output may write over `array`'s bytes outside that
    /// range.
    void writeTakingOver(byte[] array, int from, int to) throws IOException;
}
