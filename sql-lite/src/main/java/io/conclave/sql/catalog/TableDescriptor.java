package io.conclave.sql.catalog;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import java.util.ArrayList;
import java.util.List;

/**
 * A table as the catalog stores it. {@code version} counts changes to this table;
 * {@code nextColumnId}/{@code nextIndexId} are never reused, so a dropped index's orphaned
 * entries can never be mistaken for a new index's.
 */
public record TableDescriptor(long id, String name, long version, List<ColumnDescriptor> columns,
                              IndexDescriptor primaryIndex, List<IndexDescriptor> secondaryIndexes,
                              int nextColumnId, int nextIndexId) {
    public TableDescriptor {
        columns = List.copyOf(columns);
        secondaryIndexes = List.copyOf(secondaryIndexes);
        Invariants.check(primaryIndex.id() == io.conclave.sql.encoding.TableKeys.PRIMARY_INDEX_ID,
                "table %s: primary index id %s", name, primaryIndex.id());
        for (int columnId : primaryIndex.columnIds()) {
            Invariants.check(position(columns, columnId) >= 0, "table %s: key column %s missing", name, columnId);
        }
        for (IndexDescriptor index : secondaryIndexes) {
            Invariants.check(index.id() > 1 && index.id() < nextIndexId, "table %s: index id %s", name, index.id());
            for (int columnId : index.columnIds()) {
                Invariants.check(position(columns, columnId) >= 0,
                        "table %s: index %s column %s missing", name, index.name(), columnId);
            }
        }
    }

    private static int position(List<ColumnDescriptor> columns, int columnId) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).id() == columnId) {
                return i;
            }
        }
        return -1;
    }

    /** The position of column {@code columnId} in {@link #columns()}, or -1 if the table has no such column. */
    public int findPosition(int columnId) {
        return position(columns, columnId);
    }

    /** The position of column {@code columnId} in {@link #columns()}. */
    public int positionOf(int columnId) {
        int p = position(columns, columnId);
        Invariants.check(p >= 0, "table %s has no column id %s", name, columnId);
        return p;
    }

    /** The position of the named column, or -1. */
    public int positionOf(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }

    /** The position of the named column, or 42703. */
    public int requirePosition(String columnName) {
        int p = positionOf(columnName);
        if (p < 0) {
            throw new SqlException(SqlState.UNDEFINED_COLUMN,
                    "column \"" + columnName + "\" does not exist in table \"" + name + "\"");
        }
        return p;
    }

    /** Positions of an index's columns in {@link #columns()}. */
    public int[] positions(IndexDescriptor index) {
        int[] out = new int[index.columnIds().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = positionOf(index.columnIds().get(i));
        }
        return out;
    }

    public int[] primaryKeyPositions() {
        return positions(primaryIndex);
    }

    public List<IndexDescriptor> allIndexes() {
        List<IndexDescriptor> out = new ArrayList<>();
        out.add(primaryIndex);
        out.addAll(secondaryIndexes);
        return out;
    }

    public IndexDescriptor findIndex(String indexName) {
        for (IndexDescriptor index : allIndexes()) {
            if (index.name().equals(indexName)) {
                return index;
            }
        }
        return null;
    }

    public boolean isKeyColumn(int columnId) {
        return primaryIndex.columnIds().contains(columnId);
    }

    public TableDescriptor withIndexes(List<IndexDescriptor> indexes, int nextIndexId) {
        return new TableDescriptor(id, name, version + 1, columns, primaryIndex, indexes,
                nextColumnId, nextIndexId);
    }
}
