package io.conclave.sql;

import java.util.List;
import java.util.Map;

/**
 * What one statement produced. A query fills {@code columns} and {@code rows}; a write without
 * RETURNING has no columns and reports {@code rowCount}. {@code tag} is the PostgreSQL command
 * tag ({@code SELECT 3}, {@code INSERT 0 2}, {@code CREATE TABLE}, ...). {@code settings} are
 * the session settings the statement changed, with their new values (a SET), and {@code
 * settingsReset} the ones it returned to the values the session started with (a RESET), so that
 * a client that opens a new session in this one's place can carry the changes over.
 */
public record Result(List<Column> columns, List<List<Value>> rows, long rowCount, String tag,
        Map<String, String> settings, List<String> settingsReset) {
    public Result {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        settings = Map.copyOf(settings);
        settingsReset = List.copyOf(settingsReset);
        if (rowCount < 0) {
            throw new IllegalArgumentException("row count must be >= 0, got " + rowCount);
        }
    }

    public Result(List<Column> columns, List<List<Value>> rows, long rowCount, String tag) {
        this(columns, rows, rowCount, tag, Map.of(), List.of());
    }

    /** A SET of the session setting {@code name} to {@code value}. */
    public static Result setting(String name, String value) {
        return new Result(List.of(), List.of(), 0, "SET", Map.of(name, value), List.of());
    }

    /** A RESET of the session settings {@code names} to the values the session started with. */
    public static Result settingsReset(String tag, List<String> names) {
        return new Result(List.of(), List.of(), 0, tag, Map.of(), names);
    }

    /** A statement that returns no rows, only a tag. */
    public static Result tagOnly(String tag) {
        return new Result(List.of(), List.of(), 0, tag);
    }
}
