package dev.fanout.bench;

/// One step of a rate sweep.
public record SweepPoint(double targetRate, double achievedRate, double p50Us, double p99Us,
                         double p999Us, long requests, long errors, boolean metSlo) {
}
