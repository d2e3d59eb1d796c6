package dev.fanout.bench;

/// The four figures a baseline comparison weighs: throughput (req/s) and p50/p99/p99.9 latency
/// (µs, from intended send times).
public record Figures(double throughput, double p50, double p99, double p999) {
    /// One of the compared figures.
    public enum Metric {
        THROUGHPUT("throughput", true),
        P50("p50", false),
        P99("p99", false),
        P999("p99.9", false);

        private final String label;
        private final boolean higherIsBetter;

        Metric(String label, boolean higherIsBetter) {
            this.label = label;
            this.higherIsBetter = higherIsBetter;
        }

        public String label() {
            return label;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }
    }

    public static Figures of(RoundResult round) {
        Percentiles latency = Percentiles.of(round.latency());
        return new Figures(round.throughput(), latency.p50(), latency.p99(), latency.p999());
    }

    public double get(Metric metric) {
        return switch (metric) {
            case THROUGHPUT -> throughput;
            case P50 -> p50;
            case P99 -> p99;
            case P999 -> p999;
        };
    }
}
