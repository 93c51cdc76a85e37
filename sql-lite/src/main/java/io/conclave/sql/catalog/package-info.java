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
 * transactions that did not change the catalog themselves, so it never holds uncommitted
 * descriptors.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The version key is read by every statement, so DDL conflicts with every concurrent
 *       transaction: DDL is cheap to write but restarts traffic, as in early CockroachDB.</li>
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
