package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import java.util.ArrayList;
import java.util.List;

/** The columns an expression may name, in row order, each with the table (alias) it came from. */
final class Scope {
    record Column(String table, String name, SqlType type, boolean hidden) {}

    static final Scope EMPTY = new Scope(List.of());

    private final List<Column> columns;

    Scope(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    List<Column> columns() {
        return columns;
    }

    int size() {
        return columns.size();
    }

    Scope concat(Scope other) {
        List<Column> all = new ArrayList<>(columns);
        all.addAll(other.columns);
        return new Scope(all);
    }

    boolean hasTable(String table) {
        return columns.stream().anyMatch(c -> c.table().equals(table));
    }

    /** The position of {@code [table.]name}: 42703 when absent, 42702 when ambiguous. */
    int resolve(String table, String name) {
        int found = -1;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (c.name().equals(name) && (table == null || c.table().equals(table))) {
                if (found >= 0) {
                    throw new SqlException(SqlState.AMBIGUOUS_COLUMN, "column reference \"" + name + "\" is ambiguous");
                }
                found = i;
            }
        }
        if (found < 0) {
            if (table != null && !hasTable(table)) {
                throw new SqlException(SqlState.UNDEFINED_TABLE,
                        "missing FROM-clause entry for table \"" + table + "\"");
            }
            throw new SqlException(SqlState.UNDEFINED_COLUMN, "column \""
                    + (table == null ? "" : table + ".") + name + "\" does not exist");
        }
        return found;
    }
}
