/**
 * Conclave's storage: one LMDB environment per node holding every Raft group's persisted state
 * and the state-machine keyspace, written in atomic, durable batches.
 *
 * <h2>Layout</h2>
 * Three LMDB tables in one environment (one {@code data.mdb} file per store directory):
 * <ul>
 *   <li>{@code meta}: the store's format version and its {@link io.conclave.storage.StoreIdent}
 *       (cluster id, node id).</li>
 *   <li>{@code raft}: per group, keyed {@code [groupId 8B][kind 1B]} for the hard state, the
 *       truncated state (index and term of the last compacted entry), the snapshot metadata and
 *       the applied state (applied index and the membership it left), and
 *       {@code [groupId 8B][LOG][index 8B]} for log entries. Big-endian fixed-width keys make
 *       LMDB's bytewise order keep a group's keys together and its log sorted, so truncating a
 *       suffix, compacting a prefix or destroying a group is one cursor walk, and the last index
 *       is one seek.</li>
 *   <li>{@code data}: the state-machine keyspace, raw byte keys in unsigned order. The node
 *       prefixes keys itself (by range, table, ...); the store knows nothing of the layout.</li>
 * </ul>
 * Values are hand-encoded with a leading version byte ({@code Codec}); a value of an unknown
 * version or shape is reported, never guessed at.
 *
 * <h2>Atomicity and durability</h2>
 * {@link io.conclave.storage.Store#commit} applies a whole
 * {@link io.conclave.storage.WriteBatch} in one LMDB write transaction, and LMDB's commit writes
 * the data pages, fsyncs, then switches the meta page: a crash at any moment leaves either the
 * whole batch or none of it. So an entry's effects and the applied index that covers them commit
 * together, and the appends of all groups in one scheduler cycle share one fsync (group commit).
 * With {@code StoreOptions.fsync == false} (MDB_NOSYNC) a process crash still loses nothing, but a
 * machine crash may lose recent commits: only for tests and benchmarks.
 *
 * <h2>Caches</h2>
 * Each {@link io.conclave.storage.GroupStorage} holds its group's indexes, truncation term, hard
 * and applied state in memory, plus a byte-bounded tail of the log, so Raft's frequent calls do
 * not touch LMDB. They change only after the transaction has committed: Raft never acts on state
 * a crash could still take back ("persist before you send"). On open they are rebuilt from the
 * tables, lazily per group; the tail cache starts empty and fills with new appends. A read that
 * the cached state and tail cache answer takes only the group's cache lock, under which a commit
 * publishes state and cache together, so it never waits for a commit in flight (the node's
 * scheduler reads its logs while its writer thread commits). A read that needs LMDB (an entry
 * evicted from the tail cache, a snapshot's image) runs optimistically under a sequence number
 * that each commit makes odd from before its LMDB commit until its publication, and is retried
 * (at last under the commit lock, waiting for that commit) if a commit ran under it, so it never
 * mixes two states.
 *
 * <h2>Threads</h2>
 * In the node, the scheduler thread builds batches and drives Raft, which reads through
 * {@link io.conclave.storage.GroupStorage}, and one writer thread commits the batches, one at a
 * time; any thread may call {@code get}, {@code scan}, {@code stats} and the group reads. Commits
 * are serialized by a lock; reads never wait for a commit except in the fallback above.
 * {@code close} waits for running calls.
 *
 * <h2>Snapshots</h2>
 * The store keeps a snapshot's metadata, not its image: the image is the node's state-machine
 * keys. {@link io.conclave.storage.GroupStorage#snapshot()} asks a
 * {@link io.conclave.storage.SnapshotSource} for the bytes at call time; the node must make them
 * match the metadata's index. Installing a received snapshot is
 * {@link io.conclave.storage.WriteBatch#applySnapshot} plus the node's own puts of the image's
 * keys, in one batch.
 *
 * <h2>Bootstrap convention</h2>
 * A new group's first members are written with {@code setApplied(g, 0, confState)} and
 * {@code setSnapshotMeta(g, new SnapshotMetadata(0, 0, confState))}; the group then reads
 * firstIndex 1, lastIndex 0, term(0) = 0, and {@code confState()} the given members.
 * {@code confState()} is always the membership as of the applied index.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A full map fails the batch with {@link io.conclave.storage.StoreFullException}; the store
 *       is unchanged. Raft must not advance past a failed commit: the node should stop writing.</li>
 *   <li>A failed LMDB commit (an I/O error, a full disk) leaves it unknown whether the pages
 *       reached the disk; the store then refuses every later write until a restart re-reads the
 *       truth from disk. Retrying an fsync after an error is unsafe on Linux.</li>
 *   <li>Each batch is checked against Raft's log rules (no gap, terms and votes never go back,
 *       committed entries never replaced, nothing applied beyond the commit index, compaction only
 *       up to the snapshot point); a violation is a bug upstream and rejects the batch whole
 *       rather than persist a broken log.</li>
 *   <li>A snapshot whose image is newer or older than its metadata's index makes a follower
 *       re-apply or skip entries. A source that scans live keys is called under the commit
 *       sequence (it sees one commit), and needs the metadata refreshed to the applied index in
 *       every applying batch.</li>
 *   <li>With commits on another thread, the group state Raft reads may move between two of its
 *       calls (a compaction published meanwhile): Raft must treat a compacted index as
 *       compacted wherever it meets one.</li>
 *   <li>LMDB cannot open one environment twice in a process (its locks are per process); a lock
 *       file refuses a second opener, in this process or another.</li>
 *   <li>The JVM needs {@code --add-opens java.base/java.nio=ALL-UNNAMED --add-opens
 *       java.base/sun.nio.ch=ALL-UNNAMED} for lmdbjava.</li>
 *   <li>Worst-case cache memory is {@code tailCacheBytesPerGroup} times the number of groups.</li>
 * </ul>
 */
package io.conclave.storage;
