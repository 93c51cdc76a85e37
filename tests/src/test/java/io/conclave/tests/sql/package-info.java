/**
 * The SQL logic files of sql-lite ({@code sql-lite/src/test/resources/logic/*.test}) run on a
 * real cluster: three node processes on 127.0.0.1, and in the test JVM one
 * {@link io.conclave.sql.SqlEngine} per file over {@link io.conclave.sql.kv.TxnKv} (a
 * {@link io.conclave.txn.TxnClient}) and {@link io.conclave.sql.kv.RangeAdmin}, both on one
 * {@link io.conclave.range.client.RangeClient}. The same expected results as in memory must come
 * back: a difference is a bug in SQL, the transaction coordinator or the range server until shown
 * otherwise.
 *
 * <p>Each file runs twice on the same cluster: once with its tables on the one user range the
 * cluster starts with, once with every table split after its CREATE (so scans, index lookups and
 * commits cross ranges). The cluster's catalog is shared, so after each file its tables are
 * dropped; descriptor ids keep growing, which is why results that print them, or range ids and
 * leaseholders, are marked {@code skipif cluster} in the files (see
 * {@link io.conclave.sql.LogicRunner}).
 *
 * <p>Beside the files, seeded random statements run on the split cluster and on an in-memory
 * engine side by side and must give the same rows and error codes ({@code -Dsql.seed} replays,
 * {@code -Dsql.statements} runs more). Run the package with
 * {@code -Dtest='io.conclave.tests.sql.*Test'}: Surefire matches no class with a bare {@code .*}.
 *
 * <p>Hazards: a file that leaves a table behind (its cleanup failed) makes the next file's CREATE
 * fail; the failure message then names the table. Nodes get {@code --max-offset 20ms} so that
 * commit-wait and uncertainty restarts cost little on a loopback cluster with one clock.
 */
package io.conclave.tests.sql;
