package io.conclave.sql.kv;

import java.util.List;

/**
 * Range administration for SHOW RANGES, ALTER TABLE ... SPLIT AT and EXPLAIN. Optional: an
 * engine without one refuses those statements with 0A000.
 */
public interface SqlAdmin {
    /** The ranges overlapping {@code [start, end)}, in key order. */
    List<RangeInfo> rangesOf(byte[] start, byte[] end);

    /** Splits the range holding {@code key} so that a range starts at {@code key}. */
    void split(byte[] key);
}
