package dev.fanout.bench;

/// One step of a rate sweep: the rate asked for, the rate achieved, the latency percentiles at
/// it (microseconds) and whether it met the SLO. A value that was not measured may be NaN; the
/// sweep chart leaves such values (and steps without a finite achieved rate) out.
///
/// @param targetRate the rate the step asked for, in requests per second
/// @param achievedRate the rate the step sent and completed, in requests per second
/// @param p50Us the median latency, in microseconds
/// @param p99Us the 99th percentile latency, in microseconds
/// @param p999Us the 99.9th percentile latency, in microseconds
/// @param requests how many requests the step made
/// @param errors how many of them failed
/// @param metSlo whether the step met the service level objective
public record SweepPoint(double targetRate, double achievedRate, double p50Us, double p99Us,
        double p999Us, long requests, long errors, boolean metSlo) {
}
