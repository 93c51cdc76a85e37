package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * The node-wide Raft log: one append-only file set for every group of the store, so that making
 * a batch of many groups' entries and hard states durable is one sequential write and one
 * {@code fdatasync} (group commit), not a B-tree commit.
 *
 * <h2>Files</h2>
 * Segments {@code raftlog/<sequence, 16 hex digits>.seg}, each preallocated and zero-filled to
 * its full size before it is renamed into place, so that a write never changes a file's size
 * and {@code fdatasync} flushes the written pages only (no metadata journal commit). A record is
 * {@code [payload length u32][crc32c u32][group id u64][kind u8][payload]}; the CRC covers group
 * id, kind and payload. A zero length with a zero CRC marks the end of a segment's records (the
 * zero fill). Records never span segments: a batch that does not fit in the active segment goes
 * whole to the next one (as large as the batch if that is larger than a segment).
 *
 * <h2>Kinds</h2>
 * <ul>
 *   <li>{@code ENTRIES}: entries appended from an index, replacing the group's suffix from there
 *       (Raft's conflicting suffix).</li>
 *   <li>{@code HARD_STATE}: the group's term, vote and commit index; the newest record wins.</li>
 *   <li>{@code SNAPSHOT}: the log now starts after (index, term): older entries are dropped, and
 *       later ones kept only if the entry at index has that term (as installing a snapshot
 *       does).</li>
 *   <li>{@code DESTROYED}: everything of the group before this record is gone.</li>
 * </ul>
 *
 * <h2>Recovery</h2>
 * {@link #open} scans every segment in order and replays the records into the in-memory index.
 * Every record of a segment but the last was made durable before any record of a later one was
 * written, so a bad record there is corruption. In the last segment, a record whose header or
 * CRC is bad is a write a crash cut short if nothing valid follows it: it and everything after
 * it are zeroed (so a later write never lands in front of stale bytes that could be read as
 * records); if a valid record follows it, the file is damaged and the log refuses to open
 * ({@link StoreCorruptException}), naming the segment and offset.
 *
 * <h2>Reads</h2>
 * Each group's entries are located through an in-memory index (segment, offset, term, length
 * per entry); a read is one positional read. Terms come from memory.
 *
 * <h2>Reclamation</h2>
 * Only the oldest segment is ever deleted (a prefix), so a record that supersedes another is
 * never deleted before it. {@link #reclaim} deletes it when no group needs it: each group's
 * entries in it are at or below the floor the caller gives (the group's durable truncation
 * point) and its newest hard state is not in it. A group that still needs it (an idle group with
 * uncompacted entries) has its live records rewritten forward into the active segment, at most
 * {@code maxRewriteBytes} per call; the segment goes once none pins it.
 *
 * <p>Thread-safety: one thread appends ({@link #append}, {@link #reclaim}, {@link #forgetThrough}
 * are serialized by a lock); reads may come from any thread and see each append whole or not at
 * all (the index is published after the write is durable).
 */
final class RaftLog implements AutoCloseable {
    static final String DIR_NAME = "raftlog";
    static final int RECORD_HEADER_BYTES = 4 + 4 + 8 + 1;
    /** Per entry in an ENTRIES payload: term, type, data length. */
    static final int ENTRY_HEADER_BYTES = 8 + 1 + 4;
    static final byte KIND_ENTRIES = 1;
    static final byte KIND_HARD_STATE = 2;
    static final byte KIND_SNAPSHOT = 3;
    static final byte KIND_DESTROYED = 4;
    private static final String SUFFIX = ".seg";
    private static final int ZERO_CHUNK_BYTES = 1 << 20;
    private static final long PREALLOCATOR_STOP_SECONDS = 10;

    /**
     * @param segmentBytes the size of a segment file; larger segments mean fewer files and rolls,
     *     smaller ones reclaim disk sooner. Multiple of 4 KiB so writes align with pages.
     * @param fsync whether each append is made durable ({@code fdatasync}) before it returns; off
     *     only for tests and benchmarks, as the store's own setting.
     * @param maxRewriteBytes how many bytes of live records one {@link #reclaim} may copy forward
     *     to free the oldest segment; bounds the work one call adds to the append path.
     */
    record Settings(long segmentBytes, boolean fsync, long maxRewriteBytes) {
        static final long MIN_SEGMENT_BYTES = 4096;
        static final long MAX_SEGMENT_BYTES = 1L << 30;
        static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

        Settings {
            if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES || segmentBytes % 4096 != 0) {
                throw new IllegalArgumentException("segmentBytes must be a multiple of 4096 within ["
                        + MIN_SEGMENT_BYTES + ", " + MAX_SEGMENT_BYTES + "], got " + segmentBytes);
            }
            if (maxRewriteBytes < 0) {
                throw new IllegalArgumentException("maxRewriteBytes must not be negative, got " + maxRewriteBytes);
            }
        }

        static Settings defaults(boolean fsync) {
            return new Settings(DEFAULT_SEGMENT_BYTES, fsync, DEFAULT_SEGMENT_BYTES / 4);
        }
    }

    /** One thing to make durable; see the kinds in the class documentation. */
    sealed interface Record {
        long groupId();
    }

    record Entries(long groupId, List<Entry> entries) implements Record {
        Entries {
            entries = List.copyOf(entries);
            Invariants.check(!entries.isEmpty(), "group %s: an ENTRIES record needs at least one entry", groupId);
        }
    }

    record SetHardState(long groupId, HardState hardState) implements Record {}

    record Snapshot(long groupId, long index, long term) implements Record {}

    record Destroyed(long groupId) implements Record {}

    /** A segment file; {@code writeOffset} is where the next record goes (the end of its records). */
    private static final class Segment {
        final long seq;
        final Path path;
        final FileChannel channel;
        final long capacity;
        long writeOffset;
        /** Groups with at least one record here: the ones whose needs decide reclamation. */
        final Set<Long> groups = new HashSet<>();

        Segment(long seq, Path path, FileChannel channel, long capacity) {
            this.seq = seq;
            this.path = path;
            this.channel = channel;
            this.capacity = capacity;
        }
    }

    /**
     * Where each entry of one group lives: contiguous indexes {@code [first, first + size)},
     * following the base (the entry before {@code first}, whose term may be unknown: -1).
     */
    static final class GroupLog {
        private long first = 1;
        private int head;
        private int end;
        private long[] seqs = new long[8];
        private long[] offsets = new long[8];
        private long[] terms = new long[8];
        private int[] lengths = new int[8];
        long baseIndex;
        long baseTerm;
        HardState hardState = HardState.EMPTY;
        long hardStateSeq = -1;

        int size() {
            return end - head;
        }

        long firstIndex() {
            return first;
        }

        /** {@code firstIndex() - 1} when empty. */
        long lastIndex() {
            return first + size() - 1;
        }

        boolean has(long index) {
            return index >= first && index <= lastIndex();
        }

        long term(long index) {
            Invariants.check(has(index), "no entry %s in log [%s, %s]", index, first, lastIndex());
            return terms[at(index)];
        }

        private int at(long index) {
            return head + (int) (index - first);
        }

        /** Drops the entries at and after {@code index}, which must be above the base. */
        void truncateFrom(long index) {
            Invariants.check(index > baseIndex, "truncating from %s, at or below the base %s", index, baseIndex);
            if (index <= first) {
                first = index;
                head = 0;
                end = 0;
            } else if (index <= lastIndex()) {
                end = at(index);
            }
        }

        void add(long index, long seq, long offset, long term, int length) {
            Invariants.check(index == lastIndex() + 1, "entry %s is not contiguous with the log ending at %s",
                    index, lastIndex());
            if (size() == 0) {
                head = 0;
                end = 0;
            }
            if (end == seqs.length) grow();
            seqs[end] = seq;
            offsets[end] = offset;
            terms[end] = term;
            lengths[end] = length;
            end++;
        }

        /** Forgets the entries at and below {@code index}; it becomes the base. */
        void forgetThrough(long index) {
            if (index < first) return;
            if (index >= lastIndex()) {
                baseTerm = has(index) ? term(index) : -1;
                baseIndex = index;
                first = index + 1;
                head = 0;
                end = 0;
                return;
            }
            baseIndex = index;
            baseTerm = term(index);
            head = at(index + 1);
            first = index + 1;
            if (head > 64 && head > seqs.length / 2) compactArrays();
        }

        /** Starts over after {@code index} (a snapshot, or a gap at recovery): no entries. */
        void resetTo(long index, long term) {
            baseIndex = index;
            baseTerm = term;
            first = index + 1;
            head = 0;
            end = 0;
        }

        private void grow() {
            if (head > 0) {
                compactArrays();
                if (end < seqs.length) return;
            }
            int n = seqs.length * 2;
            seqs = java.util.Arrays.copyOf(seqs, n);
            offsets = java.util.Arrays.copyOf(offsets, n);
            terms = java.util.Arrays.copyOf(terms, n);
            lengths = java.util.Arrays.copyOf(lengths, n);
        }

        private void compactArrays() {
            int n = size();
            System.arraycopy(seqs, head, seqs, 0, n);
            System.arraycopy(offsets, head, offsets, 0, n);
            System.arraycopy(terms, head, terms, 0, n);
            System.arraycopy(lengths, head, lengths, 0, n);
            head = 0;
            end = n;
        }

        boolean anyInSegment(long seq) {
            for (int i = head; i < end; i++) {
                if (seqs[i] == seq) return true;
            }
            return false;
        }
    }

    private final Path dir;
    private final Settings settings;
    /** Serializes appends, reclamation and forgetting (the writer's work). */
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Read side: reads of the index and files. Write side: publishing an append, deleting a segment. */
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock();
    private final TreeMap<Long, Segment> segments = new TreeMap<>(); // guarded by indexLock
    private final Map<Long, GroupLog> groups = new HashMap<>(); // guarded by indexLock
    private Segment active; // appendLock
    /** The next segment, being zero-filled ahead of need; null before the first roll. */
    private java.util.concurrent.Future<Segment> spare; // appendLock
    private final java.util.concurrent.ExecutorService preallocator =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "conclave-raftlog-preallocate");
                t.setDaemon(true);
                return t;
            });
    private boolean closed; // indexLock
    /** Set when a write or sync failed: what reached the disk is then unknown, so no more appends. */
    private volatile String failure;
    private long tornTailsCut; // set at open only
    private long bytesRewritten; // appendLock
    private LongUnaryOperator voidBefore = g -> 0; // used at open only

    private RaftLog(Path dir, Settings settings) {
        this.dir = dir;
        this.settings = settings;
    }

    /**
     * Opens (creating if needed) the log in {@code storeDir/raftlog}, replaying every segment.
     *
     * @throws StoreCorruptException if a record before the last valid one is damaged
     * @throws StoreException if the files cannot be read or written
     */
    static RaftLog open(Path storeDir, Settings settings) {
        return open(storeDir, settings, g -> 0);
    }

    /**
     * As {@link #open(Path, Settings)}, ignoring each group's records at log positions below
     * {@code voidBefore(group)} (see {@link #endPosition}): the store's tombstone of a group it
     * destroyed, so that records older than the destroy cannot bring the group back.
     */
    static RaftLog open(Path storeDir, Settings settings, LongUnaryOperator voidBefore) {
        Objects.requireNonNull(settings, "settings");
        Path dir = storeDir.resolve(DIR_NAME);
        RaftLog log = new RaftLog(dir, settings);
        log.voidBefore = voidBefore;
        try {
            Files.createDirectories(dir);
            log.recover();
        } catch (IOException e) {
            log.close();
            throw new StoreException("cannot open the Raft log in " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    // ---- appending ----

    /**
     * Makes {@code records} durable with one write and (if enabled) one {@code fdatasync}, then
     * publishes them to reads. If it throws, nothing was published and the log refuses further
     * appends (the disk's content is unknown; a restart re-reads it).
     */
    void append(List<? extends Record> records) {
        if (records.isEmpty()) return;
        appendLock.lock();
        try {
            checkWritable();
            Map<Long, Long> lastInBatch = new HashMap<>();
            for (Record r : records) checkAppendable(r, lastInBatch);
            ByteBuffer buf = encode(records);
            Segment seg = active;
            if (seg == null || seg.writeOffset + buf.remaining() > seg.capacity) {
                seg = roll(buf.remaining());
            }
            long base = seg.writeOffset;
            try {
                long at = base;
                while (buf.hasRemaining()) at += seg.channel.write(buf, at);
                if (settings.fsync()) seg.channel.force(false);
            } catch (IOException e) {
                failure = "writing " + buf.limit() + " bytes at " + base + " of " + seg.path + " failed: " + e;
                throw new StoreException("Raft log " + dir + ": " + failure
                        + " (disk full or I/O error?); the log refuses further writes, restart the node", e);
            }
            seg.writeOffset = base + buf.limit();
            publish(seg, base, records);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Appending must not leave the index in a state recovery would read differently: entries are
     * contiguous, and a record starts at most one past the group's last index (as of the records
     * before it in the batch).
     */
    private void checkAppendable(Record r, Map<Long, Long> lastInBatch) {
        if (r.groupId() < 0) throw new IllegalArgumentException("group id must not be negative, got " + r.groupId());
        if (r instanceof Entries e) {
            Long known = lastInBatch.get(r.groupId());
            long last;
            if (known != null) {
                last = known;
            } else {
                GroupLog g = groupOrNull(r.groupId());
                last = g == null ? 0 : g.lastIndex();
            }
            long first = e.entries().get(0).index();
            if (first > last + 1) {
                throw new IllegalArgumentException("group " + r.groupId() + ": appending at index " + first
                        + " would leave a gap after the last index " + last);
            }
            long prev = -1;
            for (Entry en : e.entries()) {
                if (prev >= 0 && en.index() != prev + 1) {
                    throw new IllegalArgumentException("group " + r.groupId() + ": entries must be contiguous, got "
                            + prev + " then " + en.index());
                }
                prev = en.index();
            }
            lastInBatch.put(r.groupId(), prev);
        } else if (r instanceof Snapshot) {
            // The last index after it depends on whether the log keeps its suffix: no check for
            // this group's later records in the batch (the store checked them against its rules).
            lastInBatch.put(r.groupId(), Long.MAX_VALUE - 1);
        } else if (r instanceof Destroyed) {
            lastInBatch.put(r.groupId(), 0L);
        }
    }

    private GroupLog groupOrNull(long groupId) {
        indexLock.readLock().lock();
        try {
            return groups.get(groupId);
        } finally {
            indexLock.readLock().unlock();
        }
    }

    private void publish(Segment seg, long base, List<? extends Record> records) {
        indexLock.writeLock().lock();
        try {
            long offset = base;
            for (Record r : records) {
                int payload = payloadBytes(r);
                apply(seg.seq, offset, r, false);
                seg.groups.add(r.groupId());
                offset += RECORD_HEADER_BYTES + payload;
            }
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /**
     * Applies one record to the index; {@code offset} is the record's start. At recovery a gap
     * (entries after a prefix reclaimed or a snapshot the store may still override) restarts the
     * group's view at the record instead of failing.
     */
    private void apply(long seq, long offset, Record r, boolean recovering) {
        GroupLog g = groups.computeIfAbsent(r.groupId(), id -> new GroupLog());
        if (r instanceof Entries e) {
            long first = e.entries().get(0).index();
            if (first > g.lastIndex() + 1) {
                Invariants.check(recovering, "group %s: entries from %s leave a gap after %s", r.groupId(), first,
                        g.lastIndex());
                g.resetTo(first - 1, -1); // the store's truncated state decides whether this view is whole
            }
            if (e.entries().get(e.entries().size() - 1).index() <= g.baseIndex) return; // all compacted already
            g.truncateFrom(Math.max(first, g.baseIndex + 1));
            long pos = offset + RECORD_HEADER_BYTES + 12;
            for (Entry en : e.entries()) {
                int len = ENTRY_HEADER_BYTES + en.data().length;
                // Entries at or below the base are compacted already: skipped, as the store skips them.
                if (en.index() > g.baseIndex) g.add(en.index(), seq, pos, en.term(), len);
                pos += len;
            }
        } else if (r instanceof SetHardState h) {
            g.hardState = h.hardState();
            g.hardStateSeq = seq;
        } else if (r instanceof Snapshot s) {
            if (g.has(s.index()) && g.term(s.index()) == s.term()) g.forgetThrough(s.index());
            else if (s.index() > g.baseIndex || g.baseTerm != s.term()) g.resetTo(s.index(), s.term());
        } else if (r instanceof Destroyed) {
            groups.remove(r.groupId());
        } else {
            throw new IllegalStateException("unknown Raft log record " + r);
        }
    }

    private Segment roll(long needBytes) {
        long seq = active == null ? (segments.isEmpty() ? 1 : segments.lastKey() + 1) : active.seq + 1;
        long capacity = Math.max(settings.segmentBytes(), roundUpToPage(needBytes));
        Segment seg = takeSpare(seq, capacity);
        if (seg == null) {
            try {
                seg = createSegment(seq, capacity);
            } catch (IOException e) {
                failure = "creating segment " + segmentName(seq) + " (" + capacity + " bytes) failed: " + e;
                throw new StoreException("Raft log " + dir + ": " + failure
                        + " (disk full?); the log refuses further writes, free space and restart the node", e);
            }
        }
        indexLock.writeLock().lock();
        try {
            segments.put(seq, seg);
        } finally {
            indexLock.writeLock().unlock();
        }
        active = seg;
        // The next segment is zero-filled in the background, so a roll does not stall the
        // writes (and the acknowledgements) behind it for the time of a segment's fill.
        long nextSeq = seq + 1;
        spare = preallocator.submit(() -> createSegment(nextSeq, settings.segmentBytes()));
        return seg;
    }

    /** The preallocated segment if it is {@code seq} and large enough (waiting for it), else null. */
    private Segment takeSpare(long seq, long capacity) {
        if (spare == null) return null;
        Segment s;
        try {
            s = spare.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return null; // created again below, where a failure is reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Raft log " + dir + ": interrupted while waiting for a segment", e);
        } finally {
            spare = null;
        }
        if (s.seq == seq && s.capacity >= capacity) return s;
        try {
            s.channel.close();
            Files.deleteIfExists(s.path); // a larger one takes its number
        } catch (IOException e) {
            failure = "deleting the unused segment " + s.path + " failed: " + e;
            throw new StoreException("Raft log " + dir + ": " + failure, e);
        }
        return null;
    }

    /** Creates a zero-filled segment under a temporary name, syncs it, then renames it in. */
    private Segment createSegment(long seq, long capacity) throws IOException {
        Path path = dir.resolve(segmentName(seq));
        Path tmp = dir.resolve(segmentName(seq) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK_BYTES, capacity));
                long at = 0;
                while (at < capacity) {
                    zeros.clear();
                    zeros.limit((int) Math.min(zeros.capacity(), capacity - at));
                    while (zeros.hasRemaining()) at += ch.write(zeros, at);
                }
                if (settings.fsync()) ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            if (settings.fsync()) syncDir();
            return new Segment(seq, path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    capacity);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The next open deletes leftover temporary segments anyway.
            }
            throw e;
        }
    }

    private void syncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    // ---- encoding ----

    private static int payloadBytes(Record r) {
        if (r instanceof Entries e) {
            long n = 12;
            for (Entry en : e.entries()) n += ENTRY_HEADER_BYTES + en.data().length;
            Invariants.check(n <= Integer.MAX_VALUE, "group %s: an ENTRIES record of %s bytes", r.groupId(), n);
            return (int) n;
        }
        if (r instanceof SetHardState) return 24;
        if (r instanceof Snapshot) return 16;
        if (r instanceof Destroyed) return 0;
        throw new IllegalStateException("unknown Raft log record " + r);
    }

    private static ByteBuffer encode(List<? extends Record> records) {
        long total = 0;
        for (Record r : records) total += RECORD_HEADER_BYTES + payloadBytes(r);
        Invariants.check(total <= Integer.MAX_VALUE, "a Raft log batch of %s bytes", total);
        ByteBuffer buf = ByteBuffer.allocate((int) total);
        CRC32C crc = new CRC32C();
        for (Record r : records) {
            int start = buf.position();
            int payload = payloadBytes(r);
            buf.putInt(payload).putInt(0).putLong(r.groupId()).put(kindOf(r));
            if (r instanceof Entries e) {
                buf.putLong(e.entries().get(0).index()).putInt(e.entries().size());
                for (Entry en : e.entries()) {
                    buf.putLong(en.term()).put(Codec.typeCode(en.type())).putInt(en.data().length).put(en.data());
                }
            } else if (r instanceof SetHardState h) {
                buf.putLong(h.hardState().term()).putLong(h.hardState().vote()).putLong(h.hardState().commit());
            } else if (r instanceof Snapshot s) {
                buf.putLong(s.index()).putLong(s.term());
            }
            crc.reset();
            crc.update(buf.array(), start + 8, RECORD_HEADER_BYTES - 8 + payload);
            buf.putInt(start + 4, (int) crc.getValue());
        }
        buf.flip();
        return buf;
    }

    private static byte kindOf(Record r) {
        if (r instanceof Entries) return KIND_ENTRIES;
        if (r instanceof SetHardState) return KIND_HARD_STATE;
        if (r instanceof Snapshot) return KIND_SNAPSHOT;
        return KIND_DESTROYED;
    }

    /** Decodes the record at {@code at} (header already checked), or null if its payload is malformed. */
    private static Record decode(ByteBuffer b, int at, int payload, long groupId, byte kind) {
        ByteBuffer p = b.duplicate().position(at + RECORD_HEADER_BYTES).limit(at + RECORD_HEADER_BYTES + payload);
        try {
            switch (kind) {
                case KIND_ENTRIES: {
                    long first = p.getLong();
                    int count = p.getInt();
                    if (count <= 0) return null;
                    List<Entry> entries = new ArrayList<>(Math.min(count, 1024));
                    for (int i = 0; i < count; i++) {
                        long term = p.getLong();
                        EntryType type = Codec.typeOf(p.get());
                        int len = p.getInt();
                        if (type == null || len < 0 || len > p.remaining()) return null;
                        byte[] data = new byte[len];
                        p.get(data);
                        entries.add(new Entry(term, first + i, type, data));
                    }
                    return p.hasRemaining() ? null : new Entries(groupId, entries);
                }
                case KIND_HARD_STATE:
                    return payload != 24 ? null
                            : new SetHardState(groupId, new HardState(p.getLong(), p.getLong(), p.getLong()));
                case KIND_SNAPSHOT:
                    return payload != 16 ? null : new Snapshot(groupId, p.getLong(), p.getLong());
                case KIND_DESTROYED:
                    return payload != 0 ? null : new Destroyed(groupId);
                default:
                    return null;
            }
        } catch (java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    // ---- recovery ----

    private void recover() throws IOException {
        List<Long> seqs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX + ".tmp")) {
                    Files.deleteIfExists(p); // a segment whose creation a crash interrupted: never held a record
                } else if (name.endsWith(SUFFIX) && name.length() == 16 + SUFFIX.length()) {
                    seqs.add(Long.parseUnsignedLong(name.substring(0, 16), 16));
                } else {
                    throw new StoreException("Raft log " + dir + " holds an unexpected file " + name
                            + "; move it away (only <16 hex digits>" + SUFFIX + " segments belong here)");
                }
            }
        }
        seqs.sort(null);
        // Trailing segments without a record are spares zero-filled ahead of need: deleted, so
        // that the last segment with records is the one a torn write can only be in.
        while (!seqs.isEmpty() && isEmptySegment(dir.resolve(segmentName(seqs.get(seqs.size() - 1))))) {
            Files.delete(dir.resolve(segmentName(seqs.remove(seqs.size() - 1))));
        }
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            if (i > 0 && seq != seqs.get(i - 1) + 1) {
                throw new StoreCorruptException("Raft log " + dir + ": segment " + segmentName(seq)
                        + " follows " + segmentName(seqs.get(i - 1)) + "; the segments between are missing");
            }
            Path path = dir.resolve(segmentName(seq));
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Segment seg = new Segment(seq, path, ch, ch.size());
            segments.put(seq, seg);
            scan(seg, i == seqs.size() - 1);
        }
        active = segments.isEmpty() ? null : segments.lastEntry().getValue();
    }

    private static boolean isEmptySegment(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_BYTES);
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // read until the header is in or the file ends
            }
            for (int i = 0; i < head.position(); i++) {
                if (head.get(i) != 0) return false;
            }
            return true;
        }
    }

    private void scan(Segment seg, boolean last) throws IOException {
        MappedByteBuffer b = seg.channel.map(FileChannel.MapMode.READ_ONLY, 0, seg.capacity);
        CRC32C crc = new CRC32C();
        long cap = seg.capacity;
        int at = 0;
        while (true) {
            Problem problem = checkRecord(b, at, cap, crc);
            if (problem == Problem.END) break;
            if (problem == null) {
                int payload = b.getInt(at);
                long group = b.getLong(at + 8);
                byte kind = b.get(at + 16);
                Record r = decode(b, at, payload, group, kind);
                if (r != null && position(seg.seq, at) < voidBefore.applyAsLong(group)) {
                    at += RECORD_HEADER_BYTES + payload; // older than the group's destroy: void
                    continue;
                }
                if (r == null) {
                    throw new StoreCorruptException("Raft log " + seg.path + ": the record at offset " + at
                            + " has a valid checksum but does not decode (kind " + kind + ", " + payload
                            + " bytes); the log was written by another version or is damaged");
                }
                apply(seg.seq, at, r, true);
                seg.groups.add(group);
                at += RECORD_HEADER_BYTES + payload;
                continue;
            }
            // A bad record: a crash cut the last write short, unless valid records follow it.
            int payload = b.getInt(at);
            long next = (long) at + RECORD_HEADER_BYTES + payload;
            boolean followed = payload > 0 && next < cap && checkRecord(b, (int) next, cap, crc) == null;
            if (!last || followed) {
                throw new StoreCorruptException("Raft log " + seg.path + ": the record at offset " + at + " is damaged ("
                        + problem.message + ") but " + (last ? "a valid record follows it" : "later segments follow it")
                        + "; this is not a torn write of the last batch. Refusing to start: restore the store"
                        + " from a replica (remove it and let the node catch up by snapshot)");
            }
            break;
        }
        seg.writeOffset = at;
        if (last) zeroTailIfDirty(seg, b, at);
    }

    private enum Problem {
        END(""), HEADER("length beyond the segment"), CHECKSUM("checksum mismatch");

        final String message;

        Problem(String message) {
            this.message = message;
        }
    }

    /** Null if a valid record starts at {@code at}, END at the zero fill, else what is wrong. */
    private static Problem checkRecord(ByteBuffer b, int at, long cap, CRC32C crc) {
        if (at + RECORD_HEADER_BYTES > cap) return Problem.END;
        int payload = b.getInt(at);
        int sum = b.getInt(at + 4);
        if (payload == 0 && sum == 0 && b.getLong(at + 8) == 0 && b.get(at + 16) == 0) return Problem.END;
        if (payload < 0 || at + (long) RECORD_HEADER_BYTES + payload > cap) return Problem.HEADER;
        crc.reset();
        ByteBuffer covered = b.duplicate().position(at + 8).limit(at + RECORD_HEADER_BYTES + payload);
        crc.update(covered);
        return (int) crc.getValue() == sum ? null : Problem.CHECKSUM;
    }

    /**
     * Zeroes whatever follows the last valid record of the last segment: a torn record, or pages
     * of a write the crash cut short that reached the disk out of order. New records are written
     * from here, and stale bytes behind them could otherwise read as records at the next start.
     */
    private void zeroTailIfDirty(Segment seg, ByteBuffer b, int from) throws IOException {
        int dirtyEnd = -1;
        for (int i = (int) seg.capacity - 1; i >= from; i--) {
            if (b.get(i) != 0) {
                dirtyEnd = i + 1;
                break;
            }
        }
        if (dirtyEnd < 0) return;
        tornTailsCut++;
        ByteBuffer zeros = ByteBuffer.allocate(Math.min(ZERO_CHUNK_BYTES, dirtyEnd - from));
        long at = from;
        while (at < dirtyEnd) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), dirtyEnd - at));
            while (zeros.hasRemaining()) at += seg.channel.write(zeros, at);
        }
        seg.channel.force(false);
    }

    // ---- reads ----

    /** The groups with any state in the log (entries, a hard state, a snapshot base). */
    Set<Long> groupIds() {
        indexLock.readLock().lock();
        try {
            return new HashSet<>(groups.keySet());
        } finally {
            indexLock.readLock().unlock();
        }
    }

    /** A copy of what the log knows of a group: its entries' range, base and newest hard state. */
    record GroupView(long firstIndex, long lastIndex, long baseIndex, long baseTerm, HardState hardState) {
        boolean hasEntries() {
            return lastIndex >= firstIndex;
        }
    }

    /** Null if the log holds nothing of the group. */
    GroupView view(long groupId) {
        indexLock.readLock().lock();
        try {
            GroupLog g = groups.get(groupId);
            if (g == null) return null;
            return new GroupView(g.firstIndex(), g.size() == 0 ? g.firstIndex() - 1 : g.lastIndex(), g.baseIndex,
                    g.baseTerm, g.hardState);
        } finally {
            indexLock.readLock().unlock();
        }
    }

    /** The term of a group's entry, from memory; -1 if the log does not hold it. */
    long term(long groupId, long index) {
        indexLock.readLock().lock();
        try {
            GroupLog g = groups.get(groupId);
            return g == null || !g.has(index) ? -1 : g.term(index);
        } finally {
            indexLock.readLock().unlock();
        }
    }

    /**
     * Adds entries {@code [lo, hi)} of a group to {@code out}, within {@code maxBytes} (by
     * {@link Entry#sizeBytes()}, at least one), reading each from its segment.
     *
     * @throws IllegalStateException if the log does not hold one of them
     */
    void read(long groupId, long lo, long hi, long maxBytes, List<Entry> out, long[] bytes) {
        indexLock.readLock().lock();
        try {
            checkOpen();
            GroupLog g = groups.get(groupId);
            for (long i = lo; i < hi; i++) {
                if (g == null || !g.has(i)) {
                    throw new IllegalStateException("group " + groupId + ": log entry " + i + " is not in the Raft log "
                            + dir + (g == null ? " (no such group)" : " (it holds [" + g.firstIndex() + ", "
                            + g.lastIndex() + "])"));
                }
                int k = g.at(i);
                Entry e = readEntry(groupId, i, g.seqs[k], g.offsets[k], g.lengths[k], g.terms[k]);
                if (!GroupStorage.addWithinLimit(out, e, bytes, maxBytes)) return;
            }
        } finally {
            indexLock.readLock().unlock();
        }
    }

    private Entry readEntry(long groupId, long index, long seq, long offset, int length, long term) {
        Segment seg = segments.get(seq);
        Invariants.check(seg != null, "group %s: entry %s is in segment %s, which was deleted", groupId, index, seq);
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            long at = offset;
            while (b.hasRemaining()) {
                int n = seg.channel.read(b, at);
                if (n < 0) break;
                at += n;
            }
        } catch (IOException e) {
            throw new StoreException("reading entry " + index + " of group " + groupId + " from " + seg.path
                    + " failed: " + e, e);
        }
        b.flip();
        if (b.remaining() != length) {
            throw new StoreCorruptException("Raft log " + seg.path + ": entry " + index + " of group " + groupId
                    + " at offset " + offset + " is cut short");
        }
        long t = b.getLong();
        EntryType type = Codec.typeOf(b.get());
        int len = b.getInt();
        if (t != term || type == null || len != length - ENTRY_HEADER_BYTES) {
            throw new StoreCorruptException("Raft log " + seg.path + ": entry " + index + " of group " + groupId
                    + " at offset " + offset + " does not match the index (term " + t + ", expected " + term + ")");
        }
        byte[] data = new byte[len];
        b.get(data);
        return new Entry(t, index, type, data);
    }

    // ---- forgetting and reclaiming ----

    /**
     * Forgets a group's entries at and below {@code index} (compacted and durably so in the
     * store): reads of them fail from now on, and they no longer pin their segments.
     */
    void forgetThrough(long groupId, long index) {
        indexLock.writeLock().lock();
        try {
            GroupLog g = groups.get(groupId);
            if (g != null) g.forgetThrough(index);
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /** What one {@link #reclaim} did. */
    record Reclaimed(int segmentsDeleted, int groupsRewritten, long bytesRewritten, long pinnedBy) {}

    /**
     * Deletes the oldest segments no group needs. {@code floor} gives each group's index at and
     * below which its entries are not needed (its durable truncation point). A group whose live
     * records pin the oldest segment has them (entries above its floor and its newest hard
     * state) rewritten into the active segment, within {@code maxRewriteBytes} in all; the
     * segment is deleted only after that rewrite is durable.
     *
     * @return what was done, with the group that stopped it (-1 if none did)
     */
    Reclaimed reclaim(LongUnaryOperator floor) {
        appendLock.lock();
        try {
            checkWritable();
            int deleted = 0;
            int rewritten = 0;
            long rewriteBytes = 0;
            while (true) {
                Segment oldest;
                indexLock.readLock().lock();
                try {
                    if (segments.size() < 2) break; // the active segment is never deleted
                    oldest = segments.firstEntry().getValue();
                } finally {
                    indexLock.readLock().unlock();
                }
                List<Record> rewrite = new ArrayList<>();
                long pinner = -1;
                long bytes = 0;
                for (long groupId : oldest.groups) {
                    long f = floor.applyAsLong(groupId);
                    List<Record> live = liveRecords(groupId, oldest.seq, f);
                    if (live.isEmpty()) continue;
                    for (Record r : live) bytes += RECORD_HEADER_BYTES + payloadBytes(r);
                    rewrite.addAll(live);
                    pinner = groupId;
                }
                if (!rewrite.isEmpty()) {
                    if (rewriteBytes + bytes > settings.maxRewriteBytes()) {
                        return new Reclaimed(deleted, rewritten, rewriteBytes, pinner);
                    }
                    append(rewrite);
                    rewriteBytes += bytes;
                    bytesRewritten += bytes;
                    rewritten += (int) rewrite.stream().map(Record::groupId).distinct().count();
                }
                deleteSegment(oldest);
                deleted++;
            }
            return new Reclaimed(deleted, rewritten, rewriteBytes, -1);
        } finally {
            appendLock.unlock();
        }
    }

    /** The records a group needs that live in segment {@code seq}, as new records to append. */
    private List<Record> liveRecords(long groupId, long seq, long floor) {
        indexLock.writeLock().lock();
        GroupLog g;
        boolean entries;
        boolean hardState;
        long last;
        long from;
        try {
            g = groups.get(groupId);
            if (g == null) return List.of();
            g.forgetThrough(floor);
            entries = g.anyInSegment(seq);
            hardState = g.hardStateSeq == seq;
            from = g.firstIndex();
            last = g.lastIndex();
        } finally {
            indexLock.writeLock().unlock();
        }
        List<Record> out = new ArrayList<>(2);
        if (entries) {
            // From the first live entry on, so the rewritten record replaces the suffix with itself.
            List<Entry> es = new ArrayList<>();
            read(groupId, from, last + 1, Long.MAX_VALUE, es, new long[] {0});
            out.add(new Entries(groupId, es));
        }
        if (hardState) out.add(new SetHardState(groupId, g.hardState));
        return out;
    }

    private void deleteSegment(Segment seg) {
        indexLock.writeLock().lock();
        try {
            segments.remove(seg.seq);
            try {
                seg.channel.close();
                Files.delete(seg.path);
            } catch (IOException e) {
                failure = "deleting " + seg.path + " failed: " + e;
                throw new StoreException("Raft log " + dir + ": " + failure, e);
            }
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /**
     * Forgets a group's entries from {@code index} on, in memory only: at recovery, when the
     * store's snapshot shows they predate it (the store decides again, the same way, at each
     * open, and the next append from there replaces them on disk).
     */
    void dropFrom(long groupId, long index) {
        indexLock.writeLock().lock();
        try {
            GroupLog g = groups.get(groupId);
            if (g != null && index <= g.lastIndex()) g.truncateFrom(Math.max(index, g.baseIndex + 1));
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /** A position that orders every record: segment sequence, then offset. */
    static long position(long seq, long offset) {
        return (seq << 40) | offset;
    }

    /** The position the next record will have (past every record written so far). */
    long endPosition() {
        appendLock.lock();
        try {
            return active == null ? position(1, 0) : position(active.seq, active.writeOffset);
        } finally {
            appendLock.unlock();
        }
    }

    int segmentCount() {
        indexLock.readLock().lock();
        try {
            return segments.size();
        } finally {
            indexLock.readLock().unlock();
        }
    }

    // ---- lifecycle and diagnostics ----

    /** Segment files present, oldest first (their sequence numbers). */
    List<Long> segmentSeqs() {
        indexLock.readLock().lock();
        try {
            return new ArrayList<>(segments.keySet());
        } finally {
            indexLock.readLock().unlock();
        }
    }

    /** Torn tails cut off when this log was opened (0 or 1). */
    long tornTailsCut() {
        return tornTailsCut;
    }

    long bytesRewritten() {
        appendLock.lock();
        try {
            return bytesRewritten;
        } finally {
            appendLock.unlock();
        }
    }

    Path dir() {
        return dir;
    }

    private void checkWritable() {
        checkOpen();
        if (failure != null) {
            throw new StoreException("Raft log " + dir + " refuses writes after an earlier failure: " + failure
                    + "; restart the node");
        }
    }

    private void checkOpen() {
        if (closed) throw new StoreException("Raft log " + dir + " is closed");
    }

    @Override
    public void close() {
        indexLock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            // Wait for a segment being zero-filled: it must not appear in (or vanish from) the
            // directory after close, under the next opener's recovery. Its writes are
            // interruptible, so this is quick.
            preallocator.shutdownNow();
            try {
                if (!preallocator.awaitTermination(PREALLOCATOR_STOP_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new StoreException("Raft log " + dir + ": the segment being preallocated did not stop within "
                            + PREALLOCATOR_STOP_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            java.util.concurrent.Future<Segment> pending = spare;
            if (pending != null && pending.isDone() && !pending.isCancelled()) {
                try {
                    pending.get().channel.close();
                } catch (Exception ignored) {
                    // A spare that failed has no channel; one that exists is an empty segment.
                }
            }
            for (Segment s : segments.values()) {
                try {
                    s.channel.close();
                } catch (IOException ignored) {
                    // Nothing was pending on a read-write channel whose writes were all synced.
                }
            }
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    static String segmentName(long seq) {
        return String.format("%016x", seq) + SUFFIX;
    }

    private static long roundUpToPage(long n) {
        return (n + 4095) / 4096 * 4096;
    }
}
