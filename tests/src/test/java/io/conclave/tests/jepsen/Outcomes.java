package io.conclave.tests.jepsen;

import io.conclave.tests.check.HistoryRecorder;
import io.conclave.txn.TxnRetryException;
import java.sql.SQLException;

/**
 * How a failed operation is recorded: FAIL only when it certainly took no effect, INFO (unknown)
 * otherwise. Calling a failure that committed a FAIL would make the checkers report anomalies that
 * are not there; calling a clean failure INFO only weakens the check a little.
 */
final class Outcomes {
    private Outcomes() {}

    /**
     * 40001: the transaction was rolled back; 08001: no connection was ever made; 57P03: a node
     * handed the transaction no timestamp (at its begin, or before a commit attempt after a
     * refused one), so nothing of it committed; 57P01: a stopping node ended the idle session
     * before the statement ran. Were one of these wrong, a checker would see the effects of a
     * FAIL operation and report an anomaly, not pass.
     */
    static boolean sqlCertainlyFailed(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "08001".equals(state) || "57P03".equals(state) || "57P01".equals(state);
    }

    /**
     * Records {@code e} as FAIL or INFO; returns true if INFO (the caller then retires its process,
     * as Jepsen does, since the unknown operation may still take effect at any later time).
     */
    static boolean recordSql(HistoryRecorder recorder, HistoryRecorder.Handle h, SQLException e) {
        String error = e.getSQLState() + " " + e.getMessage();
        if (sqlCertainlyFailed(e)) {
            recorder.fail(h, error);
            return false;
        }
        recorder.info(h, error);
        return true;
    }

    /** As {@link #recordSql} for the transaction client: only a retry error left nothing committed. */
    static boolean recordTxn(HistoryRecorder recorder, HistoryRecorder.Handle h, RuntimeException e) {
        if (e instanceof TxnRetryException) {
            recorder.fail(h, e);
            return false;
        }
        recorder.info(h, e);
        return true;
    }

    /** A syntax or schema error is a bug of the workload, not an outcome: it crashes the worker. */
    static void rethrowIfBug(SQLException e) throws SQLException {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("42") || state.startsWith("0A") || state.startsWith("22"))) throw e;
    }
}
