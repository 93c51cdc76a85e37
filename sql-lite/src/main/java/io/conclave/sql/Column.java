package io.conclave.sql;

/** A result column: its name as the client sees it and its SQL type. */
public record Column(String name, SqlType type) {
    public Column {
        if (name == null || type == null) {
            throw new IllegalArgumentException("a result column needs a name and a type");
        }
    }
}
