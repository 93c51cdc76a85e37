package io.conclave.sql;

import java.util.List;

/**
 * What one statement produced. A query fills {@code columns} and {@code rows}; a write without
 * RETURNING has no columns and reports {@code rowCount}. {@code tag} is the PostgreSQL command
 * tag ({@code SELECT 3}, {@code INSERT 0 2}, {@code CREATE TABLE}, ...).
 */
public record Result(List<Column> columns, List<List<Value>> rows, long rowCount, String tag) {
    public Result {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        if (rowCount < 0) {
            throw new IllegalArgumentException("row count must be >= 0, got " + rowCount);
        }
    }

    /** A statement that returns no rows, only a tag. */
    public static Result tagOnly(String tag) {
        return new Result(List.of(), List.of(), 0, tag);
    }
}
