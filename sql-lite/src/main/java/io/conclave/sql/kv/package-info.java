/**
 * The storage interface of the SQL layer: {@link io.conclave.sql.kv.SqlKv} and
 * {@link io.conclave.sql.kv.SqlTxn} (serializable transactions over ordered byte keys) and
 * {@link io.conclave.sql.kv.SqlAdmin} (ranges: list and split). The SQL layer depends only on
 * these; {@link io.conclave.sql.kv.TxnKv} adapts the txn module's {@code TxnClient} and
 * {@link io.conclave.sql.kv.RangeAdmin} the range layer's {@code RangeClient} for production;
 * tests use in-memory implementations.
 *
 * <h2>Errors</h2>
 * Three kinds, kept apart because the session treats them differently:
 * {@link io.conclave.sql.kv.KvRetryException} (40001: nothing happened, run the transaction
 * again), {@link io.conclave.sql.kv.KvAmbiguousException} (40003: the commit may or may not have
 * applied, never retried automatically) and {@link io.conclave.sql.kv.KvException} (anything
 * else, with the SQLSTATE to report).
 *
 * <h2>Hazards</h2>
 * An implementation must never treat an empty value as a deletion; the SQL layer never writes
 * one, but a store that did would silently lose rows. Keys handed in are owned by the callee
 * after the call; arrays handed back must not be mutated by the SQL layer.
 */
package io.conclave.sql.kv;
