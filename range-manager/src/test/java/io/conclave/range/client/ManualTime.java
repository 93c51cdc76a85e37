package io.conclave.range.client;

import java.util.concurrent.atomic.AtomicLong;

/** Virtual time: sleeping advances it at once, so retry policies run without waiting. */
final class ManualTime implements ClientTime {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepNanos(long nanos) {
        now.addAndGet(nanos);
    }
}
