package io.conclave.bench.ycsb;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One worker thread's connection to the database under test, shaped like YCSB's {@code DB}
 * binding. The runner creates one per thread from a {@link TargetFactory}, calls {@link #init}
 * on that thread before its first operation and {@link #cleanup} after its last, and never shares
 * it between threads.
 *
 * <p>Records are maps from field name to value bytes. {@code fields == null} means all fields.
 * An expected failure (a missing record, a timeout) is returned as a {@link Status}; an exception
 * is counted as an error of its class and the run goes on.
 */
public interface Target {
    void init() throws Exception;

    void cleanup() throws Exception;

    /** Reads one record's fields into {@code result}. */
    Status read(String table, String key, Set<String> fields, Map<String, byte[]> result);

    /** Up to {@code count} records from {@code startKey} (included) in key order, each into a map in {@code result}. */
    Status scan(String table, String startKey, int count, Set<String> fields, List<Map<String, byte[]>> result);

    /** Replaces the given fields of an existing record, leaving the others. */
    Status update(String table, String key, Map<String, byte[]> values);

    /** Writes a new record with all its fields. */
    Status insert(String table, String key, Map<String, byte[]> values);

    Status delete(String table, String key);

    /**
     * Writes many new records, as the load phase does; a target with a batch API overrides this.
     * All or nothing is not required: the status says whether every record was written.
     */
    default Status insertBatch(String table, List<String> keys, List<Map<String, byte[]>> records) {
        Status worst = Status.OK;
        for (int i = 0; i < keys.size(); i++) {
            Status s = insert(table, keys.get(i), records.get(i));
            if (!s.isOk()) worst = s;
        }
        return worst;
    }
}
