/// Latency histograms (HdrHistogram: striped plain histograms for a request's values, `Recorder`s
/// for the upstreams) for requests, time to first byte, rows, chunk validation, queue waits and
/// upstream calls, with status and lookup counters, window slices and the `.hlog` writer; their
/// renderings for `/v1/stats`, `/metrics` (Prometheus text) and `.hgrm`/`.hdr` files.
///
/// The server and the engine record into it as a request goes; the server's stats routes and the
/// CLI's `stats` command read it back. Recording takes one lock, nearly always uncontended;
/// reading takes one lock, and each stripe's in turn.
package dev.fanout.metrics;
