package io.conclave.bench.ycsb;

/**
 * Makes the per-thread {@link Target}s of one run and owns what they share (a client, a driver).
 * {@link #check} is called once before any load, so that an unreachable database is a clear error
 * and not a run of failed operations.
 */
public interface TargetFactory extends AutoCloseable {
    /** Connects once and fails with a message naming the database if it cannot be reached. */
    void check() throws Exception;

    /** Creates (drops first, if it exists) the table, when the target has a schema. */
    default void createTable(WorkloadConfig workload) throws Exception {}

    Target create();

    /** What the results call this target, e.g. the URL without credentials. */
    String describe();

    @Override
    default void close() throws Exception {}
}
