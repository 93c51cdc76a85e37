/**
 * Serializable transactions over Conclave's ranges: the transactional KV client and its
 * coordinator.
 *
 * <h2>How a transaction runs</h2>
 * <ul>
 *   <li><b>Begin.</b> Timestamps come from a node ({@code AdminRequest.now}); the client keeps
 *   the highest it saw, so its readings never go backwards. read = write = min timestamp =
 *   that reading; the uncertainty limit is read + max offset.</li>
 *   <li><b>Reads</b> go to each key's range at the read timestamp, merged with the buffered
 *   writes (read-your-writes). Every key and span read is remembered for refreshes: a scan
 *   piece as the span its range examined, from its start up to the resume key the range
 *   answered (the range's end, or the scan's, if none), never the span it asked for. Every
 *   piece enters the read set where it is delivered ({@code RangeScan.deliver}): sequential,
 *   parallel and read-ahead pieces, and filtered scans (rows the filter dropped lie inside the
 *   examined span). Rows at or after the resume key were not returned and could not have
 *   changed the answer, so a write there does not fail a refresh. An
 *   intent of another transaction is pushed (or waited out, see below), resolved, and the read
 *   retried; a value in the uncertainty window moves the read timestamp above it after the
 *   earlier reads are refreshed.</li>
 *   <li><b>Writes</b> are buffered until commit (last write per key wins).</li>
 *   <li><b>Commit.</b> No writes: done. One range: a one-phase prepare (no record). Otherwise a
 *   record on the first written key's range (heartbeated while the commit runs), prepares to
 *   every range in parallel, a refresh if the commit timestamp moved above the read timestamp,
 *   the commit point ({@code txn_end}), then resolution of the intents in the background.</li>
 * </ul>
 *
 * <h2>Decisions beyond the shared design</h2>
 * <ul>
 *   <li><b>Provisional anchor.</b> Nodes refuse a transaction meta without an anchor key, but the
 *   anchor is the first key written. Until the first write the first key read stands in; only
 *   the id of a reader is kept anywhere (the timestamp cache), so the change is invisible.</li>
 *   <li><b>Reads wait out intents inside their uncertainty window</b> (a push that only asks,
 *   PUSH_TOUCH, which also aborts an expired writer) and push those at or below their read
 *   timestamp above it, as designed. Pushing an uncertain intent above the window would commit
 *   its writer up to the max offset ahead of the clocks (and commit-wait twice as long); nodes
 *   absorb read timestamps into their clocks, so such pushes crept ahead until nodes refused
 *   the reads (CLOCK_OFFSET). Intents live only while their writer commits, so the wait is
 *   short; once committed, the value restarts the read above it like any uncertain value.</li>
 *   <li><b>The max offset</b> is the nodes' ({@code AdminResponse.max_offset_nanos} of the clock
 *   reading) once one answered, else {@link io.conclave.txn.TxnSettings#maxOffset()}.</li>
 *   <li><b>A retry waits for the clock</b> to pass the timestamp its predecessor was pushed to,
 *   then starts there: starting at the clock it would read below the same value and fail again.</li>
 *   <li><b>Observed timestamps.</b> The first clock reading each node sends this transaction is
 *   named in every later read served by that node ({@code TxnReadOptions.observed_ts}); the
 *   node narrows the window with it (and its lease start).</li>
 *   <li><b>One-phase commit-wait</b> happens on the leaseholder, as for two-phase commits: the
 *   one-phase {@code txn_prepare} carries {@code commit_wait}, and the answer comes once the
 *   node's commit waiter is done (a witness round or the max offset), with
 *   {@code commit_wait_nanos}. The coordinator no longer sleeps itself.</li>
 *   <li><b>Refresh spans carry a sentinel key</b>: nodes clip a refresh span to their range
 *   without saying so, so after a split the split-off half would go unchecked (a lost
 *   serializability check, shown by the simulation). Each span also names the greatest key a
 *   split could leave on its left ({@code lastKeyBefore(end)}); a node whose range no longer
 *   holds it refuses the request (RANGE_KEY_MISMATCH) and the refresh regroups by the current
 *   ranges.</li>
 *   <li><b>Claims.</b> {@link io.conclave.txn.Txn#getAllClaimingFirst} asks the first key's
 *   leaseholder to claim it past the read timestamp (TxnGet claim_nanos; the SQL catalog lease);
 *   {@link io.conclave.txn.Txn#assumeRead} puts a key in the read set at the read timestamp
 *   without a request, for a caller that knows the value there from a claim: refreshes check it
 *   like any key read. A commit pushed ahead of this client's clock (by a claim, up to 500 ms)
 *   waits for the clock to get there before it refreshes and commits: committing there at once
 *   would carry the timestamp into node clocks (or be refused as an offset beyond the max).</li>
 *   <li><b>A failed commit-record write</b> (not a retry error) is followed by a rollback whose
 *   answer is the record: COMMITTED means the commit happened (success is returned); no answer
 *   means the outcome is unknown ({@link io.conclave.txn.TxnAmbiguousException}).</li>
 *   <li><b>Retries</b> in {@link io.conclave.txn.TxnClient#run} keep the first attempt's
 *   {@code min_ts} (priority) and pause a random, growing while (2 ms doubling to 100 ms):
 *   buffered writes take no locks while the body runs, so read-modify-write transactions on a
 *   hot key invalidate each other's reads; spreading the retries lets one of them through.</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Conflicts are decided by priority (the attempt number): a higher priority's push aborts
 *   the pushee at once; on a tie the pusher waits at the pushee's record's leaseholder, and
 *   waiters that form a cycle are found by the wait queues (a waiting pusher asks its own record
 *   who waits for it and pushes again carrying that), which abort the cycle's lowest-priority,
 *   youngest member ("aborted by deadlock", retryable DEADLOCK). A waiter that never gets the key
 *   (a stuck holder, a cycle too large to see) fails at the transaction deadline with a
 *   retryable DEADLOCK, so it surfaces as an error, never as a hang.</li>
 *   <li>A commit whose answer is lost is ambiguous ({@link io.conclave.txn.TxnAmbiguousException}):
 *   the record may say COMMITTED. It is never retried blindly.</li>
 *   <li>Intents left behind (a coordinator that died, a resolution dropped under load) are
 *   resolved by whoever meets them: a push finds the record finished or expired.</li>
 *   <li>Writes are optimistic: a long transaction over hot keys may exhaust its attempts
 *   (REFRESH_FAILED) while shorter ones keep committing; nothing locks a key before commit.</li>
 *   <li>Every begin asks a node for the time (one round trip): the coordinator's host has no
 *   clock bound by the cluster's maximum offset.</li>
 *   <li>Time, threads and randomness come from {@link io.conclave.txn.TxnRuntime}: the
 *   simulation runs this exact code on virtual time.</li>
 * </ul>
 */
package io.conclave.txn;
