/**
 * Conclave's storage: per node, one append-only Raft log file set holding every Raft group's log
 * and hard state, and one LMDB environment holding the state machine and each group's applied
 * state, written in durable batches.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>{@code raftlog/}: the node-wide Raft log ({@link io.conclave.storage.RaftLog}):
 *       preallocated, zero-filled segments of CRC32C-checked records (entries appended from an
 *       index, hard state, snapshot point, destroy), every group interleaved. A batch's records
 *       for all its groups are one write and one {@code fdatasync} (group commit); since the
 *       segment's size never changes, the sync flushes data pages only. Entries are read back
 *       through an in-memory index (segment, offset, term per entry).</li>
 *   <li>LMDB ({@code data.mdb}), three tables: {@code meta} (format version 2, the
 *       {@link io.conclave.storage.StoreIdent}); {@code raft}, per group, keyed
 *       {@code [groupId 8B][kind 1B]}: a copy of the hard state, the truncated state (index and
 *       term of the last compacted entry), the snapshot metadata, the applied state (applied
 *       index and the membership it left) and, for a destroyed group, a tombstone (the log
 *       position its records end at); {@code data}: the state-machine keyspace, raw byte keys in
 *       unsigned order (the node prefixes keys itself; the store knows nothing of the layout).</li>
 * </ul>
 * Values are hand-encoded with a leading version byte ({@code Codec}); a value of an unknown
 * version or shape is reported, never guessed at.
 *
 * <h2>Two parts of a batch, and why acknowledgements wait for one</h2>
 * A {@link io.conclave.storage.WriteBatch} is checked against Raft's log rules as a whole, then
 * split: its <em>log part</em> (entries, hard states, snapshot and destroy markers) goes to the
 * Raft log with {@link io.conclave.storage.Store#commitLog}, its <em>LMDB part</em>
 * (state-machine writes, applied state, truncation, snapshot metadata, hard state copies) to LMDB
 * with {@link io.conclave.storage.Store#commitState}, which commits the LMDB parts of every batch
 * logged so far in one transaction (an LMDB commit is two syncs of scattered pages: 3-8 ms where
 * the log's sequential sync is ~0.2 ms). Raft's durability rule (persist before you send: votes,
 * acknowledgements, the leader's own copy counted toward a quorum) concerns only the log part,
 * so the node sends and advances Raft when it is durable; reads wait for the LMDB part. Why a
 * crash between the two is safe: an entry's effects and the applied index that covers them
 * still commit together (in LMDB), and an entry is applied only once it is durable in the log,
 * so after a restart Raft re-applies, exactly, every committed entry above LMDB's applied index
 * from the log.
 *
 * <p>A batch that installs a snapshot, destroys a group or creates one goes <em>LMDB first</em>,
 * then its log part, before {@code commitLog} returns (and {@link io.conclave.storage.Store#commit}
 * does every batch that way): its log records alone (a log starting after a snapshot whose data
 * is not in LMDB) would not be a state a restart can read, while its LMDB part alone is (see
 * Recovery). Within each part a crash leaves all of it or none: a torn log write is cut off
 * at the next start, and LMDB switches its meta page last.
 *
 * <h2>Recovery</h2>
 * {@code Store.open} reads every group's LMDB state, then scans the log (ignoring a destroyed
 * group's records before its tombstone) and rebuilds the index: the group's log is the log's
 * entries above LMDB's truncation point, if they chain onto it (a log entry at that index with
 * another term is one a snapshot replaced in LMDB while its log record did not make it: those
 * entries are dropped); the hard state is the newer of the log's and LMDB's copy, its commit
 * index clamped to the log's end (a hint Raft relearns). Entries above LMDB's applied index are
 * applied again by Raft. A bad record at the end of the last segment is a torn write and is cut
 * off; one followed by valid records, a missing segment, or entries missing between LMDB's
 * truncation point and the log's first entry refuse to open ({@link
 * io.conclave.storage.StoreCorruptException}) with the file and offset.
 *
 * <h2>Reclaiming log segments</h2>
 * After each LMDB commit, when the log has more than one segment, the oldest is deleted if no
 * group needs it: each group's entries in it are at or below its LMDB-durable truncation point,
 * and its newest hard state is not in it. A group that still needs it (an idle group with
 * uncompacted entries, or whose last hard state is old) has its live records rewritten into the
 * active segment first, up to a quarter of a segment per commit; only the oldest segment is
 * ever deleted, so a record is never deleted before the ones it supersedes.
 *
 * <h2>Caches</h2>
 * Each {@link io.conclave.storage.GroupStorage} holds its group's indexes, truncation term, hard
 * and applied state in memory, plus a byte-bounded tail of the log, so Raft's frequent calls
 * touch neither file. Each part changes only once durable (the hard state, last index and tail
 * after the log write, the truncation point, snapshot metadata and applied state after the LMDB
 * commit): Raft never acts on state a crash could still take back ("persist before you send").
 * On open they are rebuilt (Recovery); the tail cache starts empty and fills with new appends.
 * A read that the cached state and tail cache answer takes only the group's cache lock, under
 * which each publication changes state and cache together, so it never waits for a write in
 * flight. A read that needs the files (an entry evicted from the tail cache, a snapshot's image)
 * runs optimistically under two sequence numbers (one per writer: log and LMDB), each odd while
 * its writer publishes (the LMDB one from before its commit), and is retried (at last under both
 * writers' locks) if a publication ran under it, so it never mixes two states.
 *
 * <h2>Threads</h2>
 * In the node, the scheduler thread builds batches and drives Raft, which reads through
 * {@link io.conclave.storage.GroupStorage}; one writer thread writes the batches' log parts, one
 * at a time, and another commits the LMDB parts; any thread may call {@code get}, {@code scan},
 * {@code stats} and the group reads. Log writes are serialized by one lock, LMDB commits by
 * another (in the order the batches were logged); reads never wait for either except in the
 * fallback above. {@code close} waits for running calls; an LMDB part still pending at close is
 * lost as in a crash, and recovered from the log at the next open.
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
 *   <li>A full map fails a batch written LMDB first with {@link
 *       io.conclave.storage.StoreFullException}; the store is unchanged. A full map under LMDB
 *       parts whose log parts are durable (already acknowledged) cannot drop them: the store then
 *       refuses every later write (restart with a larger map; the log re-applies them). Raft must
 *       not advance past a failed commit: the node should stop writing.</li>
 *   <li>A failed log write or LMDB commit (an I/O error, a full disk) leaves it unknown what
 *       reached the disk; the store then refuses every later write until a restart re-reads the
 *       truth from disk. Retrying an fsync after an error is unsafe on Linux. A full disk shows
 *       first where a log segment is created (zero-filled to its full size), never in the middle
 *       of a record.</li>
 *   <li>An idle group with entries above its truncation point pins the oldest segment until its
 *       records are rewritten forward (bounded per commit by a quarter of a segment); many such
 *       groups with long uncompacted logs can keep old segments on disk for several commits.
 *       Disk use is then bounded by the groups' uncompacted logs (the scheduler compacts each
 *       range after {@code logEntriesBeforeSnapshot} entries or {@code logBytesBeforeSnapshot}
 *       bytes) plus the segments awaiting deletion.</li>
 *   <li>The log's index keeps 24 bytes per uncompacted entry in memory, for every group.</li>
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
 *       file refuses a second opener, in this process or another (the Raft log included).</li>
 *   <li>Store format 1 (the log in LMDB) is refused, not migrated.</li>
 *   <li>The JVM needs {@code --add-opens java.base/java.nio=ALL-UNNAMED --add-opens
 *       java.base/sun.nio.ch=ALL-UNNAMED} for lmdbjava.</li>
 *   <li>Worst-case cache memory is {@code tailCacheBytesPerGroup} times the number of groups.</li>
 * </ul>
 */
package io.conclave.storage;
