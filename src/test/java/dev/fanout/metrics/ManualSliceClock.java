package dev.fanout.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/// A [SliceClock] that moves only when a test calls [#advance(Duration)], which runs, in the
/// test's thread, every tick that falls due on the way, each at its own time: so a gateway's
/// window slices and `.hlog` intervals end where the test says, without sleeping. One ticking at
/// a time; [#millis()] may be read from any thread.
public final class ManualSliceClock implements SliceClock {
    private final AtomicLong nowMillis = new AtomicLong(1_700_000_000_000L);
    private volatile Schedule schedule;

    private static final class Schedule implements Ticking {
        final long intervalMillis;
        final Runnable tick;
        long nextMillis;
        volatile boolean stopped;

        Schedule(long intervalMillis, Runnable tick, long nextMillis) {
            this.intervalMillis = intervalMillis;
            this.tick = tick;
            this.nextMillis = nextMillis;
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }

    @Override
    public long millis() {
        return nowMillis.get();
    }

    @Override
    public Ticking startTicking(Duration interval, Runnable tick) {
        long intervalMillis = interval.toMillis();
        var started = new Schedule(intervalMillis, tick, nowMillis.get() + intervalMillis);
        schedule = started;
        return started;
    }

    /// Moves time on by `duration`, ticking (at each tick's time) whenever a tick falls due.
    public void advance(Duration duration) {
        long targetMillis = nowMillis.get() + duration.toMillis();
        Schedule running = schedule;
        while (running != null && !running.stopped && running.nextMillis <= targetMillis) {
            nowMillis.set(running.nextMillis);
            running.tick.run();
            running.nextMillis += running.intervalMillis;
        }
        nowMillis.set(targetMillis);
    }
}
