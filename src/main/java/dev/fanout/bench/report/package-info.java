/// The load generator's pictures: SVG charts (the percentile spectrum of `SpectrumChart`, the
/// latency-versus-throughput curve of `SweepChart`, drawn on a shared `ChartFrame`) and the
/// self-contained HTML page (`HtmlReport`) that holds them. It reads finished results
/// (histograms, `SweepPoint`s) and writes text (and `HtmlReport` its file); it measures nothing.
/// The plain-text report of a run stays in `dev.fanout.bench` (`TextReport`).
package dev.fanout.bench.report;
