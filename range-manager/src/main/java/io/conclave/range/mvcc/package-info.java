/**
 * Multi-version concurrency control for user keys: the store layout ({@link
 * io.conclave.range.mvcc.MvccKeys}) and the pure evaluation of every user-key request ({@link
 * io.conclave.range.mvcc.MvccEvaluator}) against a {@link io.conclave.range.mvcc.MvccReader} and
 * a {@link io.conclave.range.mvcc.MvccWriter}.
 *
 * <h2>What the engine is and is not</h2>
 * No threads, no clock reads, no storage types beyond {@code KeyValue}. Whatever the leaseholder
 * decides when it proposes a command (its hybrid clock, the timestamp cache's floor for the
 * keys, its lease start, the range's GC threshold) arrives in an {@link
 * io.conclave.range.mvcc.EvalContext} carried in the command, so every replica that applies the
 * command computes the same writes and the same answer from the same state. Meta and system keys
 * (below 0x04) are single-version and never come here. The timestamp cache, latches and
 * commit-wait belong to the caller: the engine reports what a read read ({@link
 * io.conclave.range.mvcc.Evaluation#readKeys}, {@code readSpans}, {@code readTs}) and takes the
 * cache's verdict as {@code writeFloor}.
 *
 * <h2>Layout</h2>
 * See {@link io.conclave.range.mvcc.MvccKeys}: per user key, its intent, then its versions
 * newest first, then the records of transactions anchored at it; all of a key's store keys sort
 * between those of its neighbours, so a range's user data [s, e) is the store span
 * [storeKey(s), storeKey(e)) and records move with splits and snapshots.
 *
 * <h2>Semantics decided here</h2>
 * <ul>
 *   <li><b>Non-transactional writes</b> (put, delete, conditional_put, increment, delete_range)
 *       write at one timestamp: max(now, writeFloor), moved to just above the newest committed
 *       version of each written key when that is not below it; the answer's write_ts says where.
 *       Any intent on a touched key, at any timestamp, fails the request with WRITE_INTENT and
 *       nothing is written (the caller retries; it does not push). conditional_put and increment
 *       compare with the newest committed value; a tombstone is absent. delete_range is
 *       all-or-nothing: it tombstones every live key of the span at one timestamp and refuses
 *       (BAD_REQUEST) a span with more than {@code Writes.DELETE_RANGE_MAX_KEYS} (10,000) live keys
 *       or 100,000 keys examined, rather than stopping half-way.</li>
 *   <li><b>Non-transactional reads</b> (get, scan) read at {@code now} without uncertainty; an
 *       intent at or below now is a WRITE_INTENT.</li>
 *   <li><b>Transactional reads</b> (txn_get, txn_scan) read at read_ts. The uncertainty limit is
 *       uncertainty_limit narrowed to max(observed_ts, leaseStart) when observed_ts is set, and
 *       never below read_ts. The reader's own intent of its current epoch is read as its value,
 *       whatever its timestamp; an own intent of an earlier epoch is ignored. Another
 *       transaction's intent at or below the limit is a WRITE_INTENT; a scan lists every one it
 *       met, so one round of pushes clears them. A committed version in (read_ts, limit] is
 *       READ_WITHIN_UNCERTAINTY with existing_ts. read_ts below the GC threshold is
 *       GC_THRESHOLD (existing_ts = the threshold).</li>
 *   <li><b>Scans</b> return at most min(limit, maxScanRows) live keys (limit 0: maxScanRows) and
 *       examine at most maxScanRows user keys (deleted ones count); either bound sets resume_key
 *       to the next user key that has anything stored, so resume_key may lead to an empty page.
 *       The read span reported for the timestamp cache ends at resume_key. A key's versions
 *       above the read are skipped with one seek, so a long history does not cost a scan.</li>
 *   <li><b>txn_prepare</b> checks every key first: another transaction's intent on any of them is
 *       WRITE_INTENT listing all such keys, nothing written. The timestamp is ONE for all keys:
 *       max(txn.write_ts, writeFloor, newest committed version + 1 of each key, and the
 *       timestamp of its own intent of the same epoch, which a push may have moved). Duplicate
 *       keys: the last write wins. one_phase: if that timestamp is above txn.write_ts, TXN_RETRY
 *       "one-phase commit pushed" with retry_ts, nothing written; else versions are written
 *       (committed = true, own intents removed). Otherwise intents carry the txn with write_ts =
 *       the timestamp; an own intent (any epoch) is replaced. WRITE_TOO_OLD is never an error:
 *       the timestamp moves, and TXN_RETRY is the only retry code.</li>
 *   <li><b>Records</b> live at txnRecordKey(txn.anchor_key, id). An absent record counts as
 *       PENDING with last_heartbeat = txn.min_ts. Expired: PENDING and last_heartbeat +
 *       txnExpirationNanos &lt; now. txn_heartbeat creates or refreshes it (write_ts and epoch
 *       only grow), answers COMMITTED as is and fails ABORTED with TXN_ABORTED. txn_end commit:
 *       PENDING (or absent) with write_ts &lt;= commit_ts becomes COMMITTED (an expired but
 *       unaborted record still commits: only a written ABORTED is final); a higher write_ts is
 *       TXN_RETRY "pushed" with retry_ts = it; ABORTED is TXN_ABORTED. Rollback writes ABORTED.
 *       A COMMITTED record answers either as is. resolve_keys are resolved in the same
 *       evaluation with the record's outcome.</li>
 *   <li><b>txn_push</b>: finished pushee: pushed, answered with the record. Absent or expired:
 *       ABORTED is written, pushed. Else TIMESTAMP with write_ts already above push_to: pushed
 *       without a write. Else the pusher wins with the older min_ts, then the smaller id
 *       (unsigned); a pusher without an id never wins an abort and wins a timestamp push only
 *       if the pushee's min_ts is above push_to. Winning: TIMESTAMP sets write_ts =
 *       push_to.next() (creating the PENDING record if absent), ABORT writes ABORTED. Losing,
 *       and every TOUCH of a live transaction: PUSH_FAILED carrying the record.</li>
 *   <li><b>txn_resolve</b> touches only intents whose txn id matches: COMMITTED turns the intent
 *       into a version at commit_ts (a delete into a tombstone), except an intent of an epoch
 *       older than the resolving txn's, which is removed; ABORTED removes it; PENDING moves it
 *       up to txn.write_ts (never down).</li>
 *   <li><b>txn_refresh</b> fails with TXN_RETRY "refresh failed" (existing_ts = the offending
 *       timestamp; retry_ts = to_ts) when a key or a key of a span (clipped to the range) has a
 *       committed version in (from_ts, to_ts] or another transaction's intent at or below
 *       to_ts; on success it reports the keys and spans at to_ts for the timestamp cache. It is
 *       all-or-nothing, bounded at 100,000 keys examined (beyond: TXN_RETRY). from_ts below the
 *       GC threshold is GC_THRESHOLD: the versions that would fail it may be gone.</li>
 *   <li><b>mvcc_gc</b> pages through the range from start_key (max_keys user keys, default
 *       1,000, and it stops at the next key boundary after 100,000 rows): for each key it
 *       removes every version older than the newest version at or below the threshold, and
 *       that version too if it is a tombstone. Intents are never touched; ABORTED records
 *       last active at or below the threshold are removed; COMMITTED ones there, expired and
 *       listing their intent keys (TxnEnd.intent_keys), are reported in abandoned_records
 *       (at most 256 KiB a page) for the caller to resolve and remove, as their coordinator
 *       would have. gc_resume_key is the next key, empty when done; deleted counts removed
 *       versions and records.</li>
 *   <li>Every KvResponse carries node_id and node_now (= ctx.now). Failures write nothing.</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Determinism is the whole point: anything that differs between replicas (a clock read, a
 *       hash order, the order of a request's writes) would fork their stores. Hence writes are
 *       evaluated in key order and the context carries every decision.</li>
 *   <li>The evaluator never reads what it wrote in the same evaluation; a reader may therefore
 *       show the committed state or include earlier commands of the same batch, as long as all
 *       replicas do the same.</li>
 *   <li>A non-transactional write that skipped the intent check could commit under a pending
 *       transaction and be silently overwritten at resolve; a read that skipped it could miss a
 *       write committed below its timestamp. Both checks are unconditional.</li>
 *   <li>GC must never run at a threshold above a timestamp some transaction may still read at:
 *       that is the caller's TTL; reads and refreshes below the threshold are refused here.</li>
 *   <li>Keys longer than 240 bytes could exceed LMDB's 511-byte key limit once escaped and
 *       suffixed (see MvccKeys).</li>
 * </ul>
 */
package io.conclave.range.mvcc;
