package io.conclave.sql.catalog;

import io.conclave.sql.SqlType;

/**
 * One column of a table. {@code id} is stable for the table's life (row values are tagged by
 * it); {@code defaultSql} is the DEFAULT expression's source text or null; a {@code hidden}
 * column (the implicit {@code rowid}) is left out of {@code SELECT *} and INSERT's column list.
 */
public record ColumnDescriptor(int id, String name, SqlType type, boolean nullable, String defaultSql,
                               boolean hidden) {
    public ColumnDescriptor {
        Invariants.check(id > 0, "column id must be positive, got %s", id);
        Invariants.check(name != null && !name.isEmpty(), "column %s has no name", id);
        Invariants.check(type != null && type.family() != SqlType.Family.UNKNOWN,
                "column %s needs a concrete type", name);
    }
}
