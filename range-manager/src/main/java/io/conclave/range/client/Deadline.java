package io.conclave.range.client;

import java.time.Duration;

/** The instant (on {@link ClientTime}) by which one client call must be done. */
record Deadline(long endNanos, Duration total) {
    static Deadline after(ClientTime time, Duration total) {
        return new Deadline(time.nanoTime() + total.toNanos(), total);
    }

    long remainingNanos(ClientTime time) {
        return endNanos - time.nanoTime();
    }

    boolean expired(ClientTime time) {
        return remainingNanos(time) <= 0;
    }
}
