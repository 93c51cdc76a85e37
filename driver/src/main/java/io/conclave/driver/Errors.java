package io.conclave.driver;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

/** The driver's exceptions: always a SQLSTATE, and the JDBC subclass a generic tool expects. */
final class Errors {
    private Errors() {}

    static SQLException fromServer(String sqlState, String message) {
        if (sqlState.startsWith("40")) return new SQLTransactionRollbackException(message, sqlState);
        if (sqlState.startsWith("08")) return new SQLNonTransientConnectionException(message, sqlState);
        if (sqlState.equals("0A000")) return new SQLFeatureNotSupportedException(message, sqlState);
        return new SQLException(message, sqlState);
    }

    /** No node could be reached: the client may try again later. */
    static SQLException connectionFailed(String message) {
        return new SQLTransientConnectionException(message, "08001");
    }

    /** A connection that worked is gone. */
    static SQLException connectionBroken(String message) {
        return new SQLNonTransientConnectionException(message, "08006");
    }

    static SQLException closed(String what) {
        return new SQLNonTransientConnectionException(what + " is closed", "08003");
    }

    static SQLFeatureNotSupportedException notSupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported by the Conclave driver", "0A000");
    }

    static SQLException invalid(String message) {
        return new SQLException(message, "22023");
    }

    /** Throws unless {@code index} is a 1-based JDBC index (of a column or parameter) into {@code count} of them. */
    static void checkIndex(String what, int index, int count) throws SQLException {
        if (index < 1 || index > count) {
            throw new SQLException(what + " index " + index + " is out of range 1.." + count, "07009");
        }
    }
}
