/// Latency histograms (HdrHistogram `Recorder`s, wait-free to record) for requests, time to first
/// byte, rows, chunk validation, queue waits and upstream calls, with status and lookup counters,
/// window slices and the `.hlog` writer; their renderings for `/v1/stats`, `/metrics`
/// (Prometheus text) and `.hgrm`/`.hdr` files.
///
/// The server and the engine record into it as a request goes; the server's stats routes and the
/// CLI's `stats` command read it back. Recording never blocks; reading takes one lock.
package dev.fanout.metrics;
