/// The load generator behind `fanout bench`: closed and open loop (wrk2's model, latency from the
/// due time), our own non-blocking HTTP/1.1 client on one selector thread per core, every answer
/// checked (framing, then the NDJSON by a byte-at-a-time state machine), the gateway's own view
/// from its histograms, baselines, sweeps, capacity plans and the text, HTML and SVG reports.
///
/// It stands outside the data path: it measures a gateway over the network. The `cli` package
/// hands it a plan and prints or writes what it hands back (a `BenchResult`, a `Sweep`).
package dev.fanout.bench;
