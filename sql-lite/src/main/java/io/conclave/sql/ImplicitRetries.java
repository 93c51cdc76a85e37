package io.conclave.sql;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * How long an implicit (single-statement) transaction keeps trying after serialization failures
 * (40001) before the error reaches the client. Nothing has been sent to the client yet, so a retry
 * is invisible to it; the user would rather wait than see an error.
 *
 * <p>The budget is in time as well as attempts. A count alone is spent in a few milliseconds when
 * the failures come from something that lasts longer than one statement: a schema change bumps the
 * catalog version several times while it runs, and each bump invalidates every statement that read
 * the old version. So a statement tries at least {@link #MIN_ATTEMPTS} times, then goes on until
 * {@link #BUDGET_NANOS} have passed since its first attempt, with a random pause that grows with
 * the attempts so that statements colliding on a hot key do not collide again at once. The first
 * retry is immediate: most failures (a changed catalog, a pushed timestamp) clear with one fresh
 * attempt. {@link #MAX_ATTEMPTS} bounds the loop whatever the clock says; statement_timeout bounds
 * it too, through the statement's deadline.
 */
final class ImplicitRetries {
    static final int MIN_ATTEMPTS = 10;
    static final int MAX_ATTEMPTS = 500;
    static final long BUDGET_NANOS = 5_000_000_000L;
    static final long FIRST_PAUSE_NANOS = 500_000L;
    static final long MAX_PAUSE_NANOS = 20_000_000L;

    private final LongSupplier clockNanos;
    private final long startNanos;

    ImplicitRetries(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
        this.startNanos = clockNanos.getAsLong();
    }

    /**
     * After attempt {@code failed} (from 1) failed with a serialization failure: false if the
     * statement should give up, else true after the pause that precedes the next attempt.
     */
    boolean another(int failed) {
        if (failed >= MAX_ATTEMPTS) {
            return false;
        }
        if (failed >= MIN_ATTEMPTS && clockNanos.getAsLong() - startNanos >= BUDGET_NANOS) {
            return false;
        }
        if (failed > 1) {
            pause(failed);
        }
        return true;
    }

    private static void pause(int failed) {
        long cap = Math.min(MAX_PAUSE_NANOS, FIRST_PAUSE_NANOS << Math.min(failed - 2, 20));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(cap + 1));
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new SqlException(SqlState.QUERY_CANCELED, "canceling statement: interrupted between retries");
        }
    }
}
