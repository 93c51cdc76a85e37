package io.conclave.tests.jepsen;

import io.conclave.tests.check.HistoryRecorder;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the SQL workloads share: a worker's connection, retried while its nodes are down, and the
 * final read after the faults are healed.
 */
final class SqlConnections {
    private SqlConnections() {}

    static final int CONNECT_ATTEMPTS = 100;
    static final long CONNECT_PAUSE_MILLIS = 200;

    /** Connecting is not an operation: it changes nothing, so failing to connect is simply retried. */
    static Connection connect(RunContext context, int worker) throws InterruptedException {
        SQLException last = null;
        for (int attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
            try {
                return context.sql(worker);
            } catch (SQLException e) {
                last = e;
                Thread.sleep(CONNECT_PAUSE_MILLIS);
            }
        }
        throw new IllegalStateException("worker " + worker + " could not connect to any node in "
                + CONNECT_ATTEMPTS * CONNECT_PAUSE_MILLIS + " ms: " + last);
    }

    /** A read of the workload's whole state on one connection, as the history value of the final read. */
    interface StateRead {
        Object read(Connection c) throws SQLException;
    }

    static final int FINAL_READ_PROCESS = 1_000_000;
    static final long FINAL_READ_PAUSE_MILLIS = 500;

    /**
     * The final read after healing, recorded like any other read (as process
     * {@link #FINAL_READ_PROCESS}, apart from the workers): attempts that fail are recorded as
     * failed and retried every {@link #FINAL_READ_PAUSE_MILLIS} ms until {@code deadlineNanos}.
     */
    static void finalRead(RunContext context, String what, StateRead read, long deadlineNanos)
            throws InterruptedException {
        HistoryRecorder recorder = context.recorder();
        int attempts = 0;
        String lastError = "none";
        while (System.nanoTime() < deadlineNanos) {
            HistoryRecorder.Handle h = recorder.invoke(FINAL_READ_PROCESS, "read", null);
            attempts++;
            try (Connection c = context.sql(0)) {
                recorder.ok(h, read.read(c));
                return;
            } catch (SQLException e) {
                lastError = e.getSQLState() + " " + e.getMessage();
                recorder.fail(h, lastError);
                Thread.sleep(FINAL_READ_PAUSE_MILLIS);
            }
        }
        // CI keeps only this message, so it carries what the history would tell.
        throw new IllegalStateException("no final read of " + what + " succeeded after the faults were healed ("
                + attempts + " attempts; the last failed with " + lastError + ")");
    }
}
