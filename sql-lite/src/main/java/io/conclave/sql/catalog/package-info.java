/**
 * The catalog: table descriptors (columns, types, defaults, NOT NULL, primary index, secondary
 * indexes) stored as KV under system table 1 (descriptors by id), 2 (name to id) and 3
 * (counters: the next table id and the catalog version).
 *
 * <h2>Consistency</h2>
 * Descriptors are read and written inside the statement's transaction. Every view reads the
 * catalog version key first and every DDL writes it, so a transaction that planned against an
 * old catalog conflicts with the DDL that changed it and restarts: no write can commit against
 * a stale descriptor. The per-engine cache is keyed by that version and only filled by
 * transactions that did not change the catalog themselves (or by a DDL's own view once it
 * committed), so it never holds uncommitted descriptors.
 *
 * <h2>Planning against the cache</h2>
 * A statement that only uses the catalog (SELECT, INSERT, UPDATE, DELETE) is planned against the
 * cached descriptors before its transaction has read the version ({@link
 * io.conclave.sql.catalog.Catalog#speculate}); its transaction ({@code VersionCheckedTxn}) reads
 * the version key in the same parallel round as the statement's first point read, or before its
 * first scan, write or commit, and throws {@link io.conclave.sql.catalog.CatalogChangedException}
 * (a retry) when the transaction sees another version. No row it read is returned and nothing it
 * wrote is buffered before the check, and the version key is in its reads as before, so the
 * conflict with a concurrent DDL is the same as with a view; a statement that failed before any
 * read (an unknown table in the cache) checks the version before its error is believed.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The version key is read by every statement, so DDL conflicts with every concurrent
 *       transaction: DDL is cheap to write but restarts traffic, as in early CockroachDB. It
 *       is also one more KV read per statement (in parallel with the first, but a request all
 *       the same); descriptor leases, as CockroachDB's, would remove it.</li>
 *   <li>DROP TABLE and DROP INDEX leave their data behind under ids that are never reused; the
 *       space is not reclaimed yet.</li>
 *   <li>The hidden row id of a table without a primary key (and SERIAL's default) comes from
 *       unique_rowid(): timestamp plus engine instance id, no shared counter, so inserts do not
 *       conflict on it; engines must be given distinct instance ids (see
 *       {@code io.conclave.sql.exec.UniqueIds}).</li>
 *   <li>A catalog holds at most {@link io.conclave.sql.catalog.Catalog#MAX_TABLES} tables; a
 *       version change reloads them all.</li>
 * </ul>
 */
package io.conclave.sql.catalog;
