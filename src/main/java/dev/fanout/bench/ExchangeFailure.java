package dev.fanout.bench;

/// A request that got no usable answer, and why.
final class ExchangeFailure extends Exception {
    private final ErrorKind kind;

    ExchangeFailure(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    ErrorKind kind() {
        return kind;
    }
}
