/**
 * The client of the range layer: a range cache, the distributed sender that routes every request
 * to its range's leaseholder, and the admin operations (split, lease transfer, membership) built
 * on them. {@link io.conclave.range.client.RangeClient} is the whole public surface; the network
 * is a {@link io.conclave.range.client.NodeDialer} (Netty in the node module, an in-memory double
 * in tests).
 *
 * <h2>Routing</h2>
 * A key below the user span belongs to range 1 (meta and system records), which never splits. Any
 * other key is looked up in the {@link io.conclave.range.client.RangeCache}; on a miss the client
 * scans meta on range 1 from {@code Keys.metaLookupStart(key)}: the first record is the key's
 * range, the next few are cached for the keys that follow. The request names the range id and
 * goes to the cached leaseholder, else to a replica whose address is known, else to a seed.
 *
 * <h2>The retry policy (Sender)</h2>
 * <ul>
 *   <li>NOT_LEASEHOLDER / NOT_LEADER with a named node: go there at once, and remember it.
 *       Without a hint (an election or lease acquisition is under way): back off, try another.</li>
 *   <li>RANGE_KEY_MISMATCH: the range split under us. The answer carries the replica's current
 *       descriptor and its neighbour's; they replace the stale one in the cache and the request
 *       is rebuilt for the range that now holds its key (scans and range deletes are rebuilt per
 *       attempt and clipped to the current span).</li>
 *   <li>RANGE_NOT_FOUND: that node has no replica; try the next. When no known node has it, the
 *       descriptor is stale (replicas moved) and is evicted.</li>
 *   <li>A TIMEOUT answer: the node never proposed the request (it answers AMBIGUOUS_RESULT once
 *       it has), so any request is retried, elsewhere after a backoff.</li>
 *   <li>No answer at all, AMBIGUOUS_RESULT, INTERNAL: a request that a replay cannot harm (get,
 *       scan, meta update, whose generation rule makes a replay a rewrite of the same records) is retried elsewhere after
 *       a backoff. A write is NOT: put, delete, delete range, conditional put and increment fail
 *       with AMBIGUOUS_RESULT. A conditional put or increment could apply twice; a put or delete
 *       replayed seconds later would revert what other clients wrote in between (a history no
 *       linearizable order explains; the range process tests caught exactly that across a
 *       leaseholder kill). Transactions will make replays harmless; until then the caller
 *       decides, knowing the outcome is unknown.
 *       Only a failure the dialer marks {@link io.conclave.range.client.NotSentException} (the
 *       connection could not be made) lets those be retried.</li>
 *   <li>WRITE_INTENT (a key holds another transaction's intent): a non-transactional request
 *       wrote nothing, so it is retried after a backoff until the call's deadline. It does not
 *       push the intent's transaction: the owner's coordinator resolves its intents right after
 *       its commit or rollback, and a transaction that meets them pushes and resolves them; an
 *       intent left by a dead coordinator therefore waits for the first transaction that meets
 *       it (or fails the call with TIMEOUT). Transactional requests ({@code send},
 *       {@code sendRouted}) get it, with every other transaction error, as a
 *       {@link io.conclave.range.client.KvException} carrying the node's answer. Their request
 *       is built per attempt from the descriptor and the target node (a read names that node's
 *       observed timestamp); the builder may throw
 *       {@link io.conclave.range.client.RangeChangedException} when its keys no longer fit the
 *       range, which ends the call without sending anything.</li>
 *   <li>Everything else (BAD_REQUEST, TOO_LARGE, STORE_FULL, CLUSTER_MISMATCH, CLOCK_OFFSET,
 *       CONDITION_FAILED) is the caller's answer.</li>
 * </ul>
 * Hints are followed without a pause, at most {@code MAX_QUICK_RETRIES} in a row; other retries
 * back off exponentially with jitter drawn from a seeded {@link java.util.SplittableRandom}. Every
 * call is bounded by the settings' deadline and an attempt count, whichever comes first, and its
 * TIMEOUT error names the operation and the last problem seen.
 *
 * <h2>Multi-range calls</h2>
 * A scan walks its span range after range in key order, following each answer's resume key, so
 * the limit is exact. A range delete, {@code getAll} and {@code putAll} run their per-range (or
 * per-key) pieces in parallel on a pool of {@code maxParallelRequests} threads.
 *
 * <h2>Splits</h2>
 * {@code split(key)} allocates the right-hand range's id by incrementing the range-id counter on
 * range 1 (an increment whose answer was lost is retried: a skipped id is harmless), runs the
 * split at the leaseholder with the expected generation, then replaces the range's meta record
 * by both halves' in one range-1 command ({@code meta_updates}): meta goes from
 * {@code {meta/c -> L[a,c) g}} to {@code {meta/b -> L[a,b) g+1, meta/c -> R[b,c) g+1}} in one
 * Raft entry, so no lookup ever sees one half without the other. A split whose answer was lost
 * is not resent blindly (a second one would be refused): the splitter asks the leaseholder's
 * status whether both halves exist.
 *
 * <p>The split and the meta update are two Raft groups, so two steps. The split commits in the
 * left range's log: that is the commit point, and the replicas' descriptors are the truth. The
 * meta update commits afterwards in range 1's log; it is atomic within meta, ordered after the
 * split (it is built from the split's answer), and if the splitter dies in between, meta keeps
 * the old record until a maintenance loop's repair writes the halves
 * ({@link io.conclave.range.MetaRecords#repair}). Meta may therefore <em>lag</em> the
 * descriptors, never lead them, and a lagging record is safe for routing: it names a range that
 * still exists (without merges a range id lives on as the left half) and whose span still holds
 * the key's old position, so the request reaches a replica that answers RANGE_KEY_MISMATCH with
 * its current descriptor and the neighbour's; the client caches those and is routed right
 * without meta. What routing could not survive is a gap or an overlap: a key with no record has
 * no range to try (the lookup can only retry, blind), and of two overlapping records the lookup
 * takes whichever comes first after the key, which may be older than the other and, with
 * generations compared per key only, might never be replaced. So range 1 refuses any update
 * that would leave meta other than a tiling of the keyspace or take a record back to a lower
 * generation, all or nothing ({@link io.conclave.range.MetaRecords}): a split's update against
 * a meta still holding an earlier, unrepaired split refuses; the splitter then replaces the
 * coarse record by all the pieces of its span at once if its cache knows them (it found the
 * range through a RANGE_KEY_MISMATCH naming both halves), else the maintenance loop's repair
 * does, from the descriptors the repairing node holds (a split leaves both halves on the same
 * nodes) or, failing that, those the other live nodes report. The range simulation checks after every step that each replica's committed
 * meta is a tiling and never ahead of the descriptors. A lookup that still finds no record
 * (a cluster not yet bootstrapped) retries until its deadline.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The cache trusts generations: only splits and replica changes exist, and both raise the
 *       generation. A range merge would break "higher generation is newer" for overlapping
 *       descriptors of different ranges; merges must revisit {@code RangeCache.insert}.</li>
 *   <li>Node addresses come from the seeds, NOT_LEASEHOLDER hints, {@code addReplica} and the
 *       liveness records on range 1 (read at most every few seconds, when a replica's address is
 *       unknown). A client whose seeds all died before it read them knows only the hints it got.</li>
 *   <li>A write that failed with AMBIGUOUS_RESULT may still be applied later, once.</li>
 * </ul>
 */
package io.conclave.range.client;
