package dev.fanout.engine;

/// What a run saw: data rows read, how many were valid and invalid (written or not), and the
/// elapsed wall-clock time from opening the input to the end of the output.
public record Summary(long rows, long valid, long invalid, double elapsedMs) {
}
