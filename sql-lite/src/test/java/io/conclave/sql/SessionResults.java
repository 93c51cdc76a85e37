package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Collectors;

/** How the session tests read an answer: rows as text, or the SQLSTATE a statement fails with. */
final class SessionResults {
    private SessionResults() {}

    /** Rows joined by "; ", a row's values by spaces. */
    static String rows(Result r) {
        return r.rows().stream().map(row -> row.stream().map(Value::toString).collect(Collectors.joining(" ")))
                .collect(Collectors.joining("; "));
    }

    /** The SQLSTATE of the error {@code sql} must fail with. */
    static String state(Session s, String sql) {
        return assertThrows(SqlException.class, () -> s.execute(sql)).sqlState();
    }
}
