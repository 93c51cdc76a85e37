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
 * <h2>Catalog leases</h2>
 * The version read of a planned statement is a <em>claiming</em> read ({@code
 * SqlTxn#getAllClaimingFirst}, TxnGet claim_nanos): the version key's leaseholder records the key
 * in its timestamp cache not at the read timestamp r but at claimEnd = min(r + L, its lease's
 * expiration - max offset) ({@link io.conclave.sql.catalog.Catalog#DEFAULT_LEASE} L = 100 ms; the
 * node caps a claim at 500 ms) and answers [r, claimEnd]. The engine keeps (version, r, claimEnd)
 * as its lease. A statement whose transaction's read timestamp t lies in [r, claimEnd], with the
 * cached descriptors at that version, reads no version: it registers the version key as read at
 * t ({@code SqlTxn#assumeRead}) and runs. Why that is exact:
 * <ul>
 *   <li><b>No DDL commits in (r, claimEnd].</b> Every DDL writes the version key. A write proposed
 *       after the claim was recorded lands above claimEnd (the timestamp cache; a claim binds
 *       every writer of the key, the claimer's own transaction included). One proposed before is
 *       either in flight (its latch refuses the claim), in the store as a version or an intent
 *       above r (the claim is refused), or at or below r (the read sees it, or pushes it). So the
 *       value read at r is the value at every timestamp up to claimEnd, and at t.</li>
 *   <li><b>A transaction pushed past t</b> (its commit or read timestamp moves above t) refreshes
 *       its read set from t, and the version key is in it: a DDL committed in between fails the
 *       refresh exactly as for a key really read at t.</li>
 *   <li><b>The claim survives the leaseholder.</b> A lease taken after expiry starts at or after
 *       the old expiration + max offset, above every claim; a transfer carries the old holder's
 *       highest claim to the new holder's timestamp cache ({@code Lease.reads_below}); a split's
 *       right half inherits it; a timestamp cache made lazily (after a restart) starts its claims
 *       one longest claim above the clock. See the multiraft package documentation.</li>
 *   <li><b>Strictness.</b> A DDL is pushed above every claim and commit-waits there; a statement
 *       begun anywhere after it returned has a read timestamp above its commit, above every claim
 *       on the old version, so it reads the version (and finds the new one).</li>
 * </ul>
 * A statement outside its engine's lease reads the version as before, claiming it: the lease is
 * renewed lazily, by the first statement past its end; an idle engine holds nothing.
 * <b>What it costs DDL:</b> a DDL right after statements at any engine is pushed up to L ahead of
 * the clocks; its coordinator waits for its clock to get there before refreshing and committing
 * (a timestamp far ahead would be carried into node clocks or refused as an offset), then
 * commit-waits as usual: up to L more per DDL. While a writer a claim pushed waits, its key is
 * not claimed again (for at most 250 ms past where it was pushed to), so renewals cannot starve
 * it.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The version key is in every planned statement's reads (read, or assumed under a lease),
 *       so DDL conflicts with every concurrent transaction: DDL is cheap to write but restarts
 *       traffic, as in early CockroachDB. Statements outside a lease still read it (one more KV
 *       read, in parallel with the first).</li>
 *   <li>With commit-wait off (the DDL's or the cluster's), a DDL returns before every clock is
 *       past its commit timestamp, and a statement begun at another node right after it may
 *       still lie inside a lease on the old version (clocks differ by up to the max offset): it
 *       then runs serializably before the DDL, but not after it in real time. A plain version
 *       read would have caught it in its uncertainty window; a lease covering t + max offset
 *       would too, but at 100 ms against a 250 ms max offset no lease would ever be usable.</li>
 *   <li>A lease rests on the claim's timestamp cache entry: a write of the version key that
 *       bypassed transactions (a non-transactional put) would be pushed by a named claim but not
 *       by a claim a new leaseholder only knows as a low-water mark; the SQL layer writes it only
 *       in transactions.</li>
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
