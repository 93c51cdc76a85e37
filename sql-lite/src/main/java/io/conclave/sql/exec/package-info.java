/**
 * Planning and execution.
 *
 * <h2>Hazards of pushdown</h2>
 * A column the planner forgets to list in a projection reads as NULL at the gateway: a wrong
 * answer, not an error. {@code QueryRunner.neededColumns} therefore walks every expression of a
 * plan (over-listing is harmless), and the H2 differential runs each query with pushdown on and
 * off.
 *
 * <h2>Pipeline</h2>
 * {@link io.conclave.sql.exec.Binder} resolves names and checks types (untyped string literals
 * take their context's type); {@code QueryPlanner} splits WHERE and ON into conjuncts, pushes
 * each single-table conjunct to its table, where {@code SpanPlanner} turns equalities, IN lists
 * and ranges on a prefix of an index into point lookups or spans, keeps column-equalities
 * between tables as join keys and the rest as filters. {@code QueryRunner} scans, joins left
 * to right (a lookup join — per left row, one primary-key read when the keys fix the right
 * table's primary key, else one prefix scan of the index whose leading columns they fix —
 * while the left side has at most {@code MAX_LOOKUP_JOIN_ROWS} rows; otherwise a scan of the
 * right table and a hash join), groups, projects, de-duplicates, sorts and
 * limits; {@code Writer} does
 * INSERT/UPSERT/UPDATE/DELETE with index maintenance; {@code SchemaChanger} does DDL.
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li>Spans only narrow reads: every row still passes the whole filter, so a planner mistake
 *       costs speed, not correctness.</li>
 *   <li>Rows are materialised (bounded by {@code TableIo.MAX_ROWS_READ_PER_STATEMENT} and
 *       {@code QueryRunner.MAX_JOIN_ROWS}, 54000 beyond); LIMIT without ORDER BY, DISTINCT or
 *       grouping stops a single-table scan early.</li>
 *   <li>CREATE INDEX backfills inside the creating transaction, reading the whole table
 *       (at most {@code SchemaChanger.MAX_BACKFILL_ROWS} rows; a larger table is refused with
 *       54000). Writers to the table meanwhile conflict and restart, so no entry is missed.</li>
 *   <li>Scans stream from the store ({@code SqlTxn.scan(ScanRequest, sink)}): 8 ranges at a
 *       time ({@code TableIo.SCAN_PARALLELISM}), range by range when a LIMIT can stop the scan.
 *       With {@code scan_pushdown} on (the default) and a store that filters, a primary-index
 *       scan without FOR UPDATE sends its pushable conjuncts ({@code FilterCodec}: no function
 *       calls) and the columns the statement uses ({@code QueryRunner.neededColumns}) to the
 *       ranges ({@link io.conclave.sql.exec.RowFilters}); the runner still applies the whole
 *       filter, since the transaction's own writes arrive unfiltered. A filter that fails at a
 *       range is read again without it from the last row received, and the gateway's evaluation
 *       decides whether the statement fails (the row may be deleted by this transaction, or
 *       beyond a LIMIT).</li>
 *   <li>DROP TABLE and DROP INDEX remove the descriptor in the statement's transaction; the
 *       session deletes the keys once it commits, in transactions of at most 1,000 deletes.
 *       Ids are never reused, so nothing can read or write those keys meanwhile.</li>
 *   <li>SELECT ... FOR UPDATE writes each row it reads back unchanged, which leaves a write
 *       intent on it: an exclusive lock until the transaction ends.</li>
 *   <li>NULL sorts first ascending (as in the key encoding, and CockroachDB), unlike PostgreSQL.</li>
 *   <li>Integer arithmetic is 64-bit and checked (22003); INT / INT truncates, as in PostgreSQL;
 *       SUM of INT is an INT (22003 on overflow), AVG of INT a DECIMAL.</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * UPDATE reads all target rows before writing any, so it never sees its own writes; an UPDATE
 * that shifts primary keys ({@code SET id = id + 1}) can still collide with a row it has not yet
 * moved and fail with 23505, as PostgreSQL does without deferred constraints.
 */
package io.conclave.sql.exec;
