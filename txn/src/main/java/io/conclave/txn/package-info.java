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
 *   writes (read-your-writes). Every key and span read is remembered for refreshes. An
 *   intent of another transaction is pushed (its timestamp above ours), resolved, and the read
 *   retried; a value in the uncertainty window moves the read timestamp above it after the
 *   earlier reads are refreshed.</li>
 *   <li><b>Writes</b> are buffered until commit (last write per key wins).</li>
 *   <li><b>Commit.</b> No writes: done. One range: a one-phase prepare (no record). Otherwise a
 *   record on the first written key's range (heartbeated while the commit runs), prepares to
 *   every range in parallel, a refresh if the commit timestamp moved above the read timestamp,
 *   the commit point ({@code txn_end}), then resolution of the intents in the background.</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Conflicts are decided by age (wound-wait): the older transaction's push aborts a younger
 *   writer; a younger one waits. A waiter that never gets the key fails at the transaction
 *   deadline, so a stuck cluster surfaces as an error, never as a hang.</li>
 *   <li>A commit whose answer is lost is ambiguous ({@link io.conclave.txn.TxnAmbiguousException}):
 *   the record may say COMMITTED. It is never retried blindly.</li>
 *   <li>Intents left behind (a coordinator that died, a resolution dropped under load) are
 *   resolved by whoever meets them: a push finds the record finished or expired.</li>
 *   <li>Time, threads and randomness come from {@link io.conclave.txn.TxnRuntime}: the
 *   simulation runs this exact code on virtual time.</li>
 * </ul>
 */
package io.conclave.txn;
