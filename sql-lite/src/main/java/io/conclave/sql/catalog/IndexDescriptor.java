package io.conclave.sql.catalog;

import java.util.List;

/**
 * An index: the primary index (id 1, always unique) holds the rows; a secondary index holds
 * keys {@code index columns + primary key columns} with an empty marker value.
 */
public record IndexDescriptor(int id, String name, boolean unique, List<Integer> columnIds) {
    public IndexDescriptor {
        columnIds = List.copyOf(columnIds);
        Invariants.check(id > 0, "index id must be positive, got %s", id);
        Invariants.check(!columnIds.isEmpty(), "index %s has no columns", name);
    }
}
