package io.conclave.sql.exec;

/** Counters of one statement's work, for EXPLAIN ANALYZE. Confined to the session thread. */
public final class ExecStats {
    long kvGets;
    long kvScans;
    long rowsRead;
    long rowsWritten;
    long indexEntriesWritten;

    public long kvGets() {
        return kvGets;
    }

    public long kvScans() {
        return kvScans;
    }

    public long rowsRead() {
        return rowsRead;
    }

    public long rowsWritten() {
        return rowsWritten;
    }

    public long indexEntriesWritten() {
        return indexEntriesWritten;
    }
}
