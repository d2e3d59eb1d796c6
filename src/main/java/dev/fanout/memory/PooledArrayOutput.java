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
public interface PooledArrayOutput {
    /// Writes the first `length` bytes of `array` and takes the array over, whether this returns
    /// or throws: the caller must not touch it again.
    void writeTakingOver(byte[] array, int length) throws IOException;
}
