package dev.fanout.metrics;

import java.time.Duration;

/// [SliceClock#system()]: `System.currentTimeMillis()` and a [SliceTicker].
enum SystemSliceClock implements SliceClock {
    INSTANCE;

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }

    @Override
    public Ticking startTicking(Duration interval, Runnable tick) {
        return SliceTicker.start(interval, tick);
    }
}
