package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import java.util.function.LongSupplier;

/**
 * A statement's time limit (statement_timeout), checked at KV requests and every few hundred
 * rows. The clock is injected (a monotonic nanosecond source), so tests can drive it.
 */
public final class Deadline {
    /** How many rows pass between clock reads in row loops. */
    static final int ROWS_PER_CHECK = 256;

    private final LongSupplier clockNanos;
    private final long deadlineNanos;
    private final String limitText;

    private Deadline(LongSupplier clockNanos, long deadlineNanos, String limitText) {
        this.clockNanos = clockNanos;
        this.deadlineNanos = deadlineNanos;
        this.limitText = limitText;
    }

    public static Deadline none() {
        return new Deadline(() -> 0, Long.MAX_VALUE, "");
    }

    /** A deadline {@code timeoutNanos} (> 0) from now; {@code limitText} names the setting for the message. */
    public static Deadline after(LongSupplier clockNanos, long timeoutNanos, String limitText) {
        long now = clockNanos.getAsLong();
        long deadline = now > Long.MAX_VALUE - timeoutNanos ? Long.MAX_VALUE : now + timeoutNanos;
        return new Deadline(clockNanos, deadline, limitText);
    }

    public void check() {
        if (deadlineNanos != Long.MAX_VALUE && clockNanos.getAsLong() - deadlineNanos >= 0) {
            throw new SqlException(SqlState.QUERY_CANCELED,
                    "canceling statement due to statement timeout (statement_timeout = " + limitText + ")");
        }
    }
}
