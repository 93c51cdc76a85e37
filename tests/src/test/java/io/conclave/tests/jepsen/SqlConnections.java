package io.conclave.tests.jepsen;

import java.sql.Connection;
import java.sql.SQLException;

/** What the SQL workloads share: a worker's connection, retried while its nodes are down. */
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
}
