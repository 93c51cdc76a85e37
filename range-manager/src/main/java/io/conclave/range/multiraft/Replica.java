package io.conclave.range.multiraft;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.raft.RawNode;
import io.conclave.raft.Role;
import io.conclave.raft.SoftState;
import io.conclave.storage.GroupStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One group's replica on this node: the Raft state machine plus what the scheduler tracks beside
 * it. Touched only by the scheduler thread.
 */
final class Replica {
    final long groupId;
    final RawNode raft;
    final GroupStorage storage;

    /** Highest log index whose effects are in the store (persisted in the same batch). */
    long applied;
    /** {@link #applied} as of the last commit: what the store shows, so what reads may be served at. */
    long publishedApplied;
    long appliedTerm;
    /** Index of the last snapshot point; entries up to it are compacted away. */
    long snapshotIndex;
    /** Entry bytes applied since the last snapshot point; 0 after a restart (a safe under-count). */
    long bytesSinceSnapshot;
    ConfState confState;
    /**
     * The hard state as of the last successful commit (or the store, at load). A leader sends
     * appends before its fsync only while its term and vote equal this one's.
     */
    HardState durableHardState;
    /**
     * The hard state of the last Ready handed out, durable or not (equal to
     * {@link #durableHardState} once every write holding one finished).
     */
    HardState handedHardState;
    long leaderId;
    Role role = Role.FOLLOWER;
    /** Set once this node applied its own removal: the replica stops ticking and campaigning. */
    boolean removed;
    /** Replaced by a new replica object of the same range (a split initialized it); ignore it. */
    boolean retired;
    /** Neither ticks nor heartbeats until woken; see {@link Quiescence}. */
    boolean quiesced;
    /** The tick this learner last asked its leader to wake ({@code Scheduler.askLeaderToWake}). */
    long leaderWakeAskedTick = Long.MIN_VALUE / 2;

    /** The range's descriptor as of the applied index; null while uninitialized (no snapshot yet). */
    io.conclave.range.rpc.RangeDescriptor desc;
    /** The range's lease as of the applied index; holder 0 when none was ever granted. */
    io.conclave.range.rpc.Lease lease = io.conclave.range.rpc.Lease.getDefaultInstance();
    /** Bytes of keys and values in the data span, kept at apply, computed once at load. */
    long sizeBytes;
    /** The range's MVCC GC threshold as of the applied index: reads below it are refused. */
    io.conclave.clock.Timestamp gcThreshold = io.conclave.clock.Timestamp.MIN;
    /**
     * Reads this node served as leaseholder (user ranges); created when this node's lease
     * begins, dropped when another node's does. See {@link TimestampCache}.
     */
    TimestampCache tsCache;
    /**
     * Latches: user-key writes proposed here that the committed store may not show yet. A read
     * overlapping one goes through the log behind it instead of being served from the store, by
     * their request (identity). A read checked before it is served ignores those already applied
     * ({@link Latch#released}: it waits for their batch); one checked after it was evaluated
     * counts them until published ({@link Latch#published}, when the latch goes).
     */
    final java.util.Map<Pending, Latch> latches = new java.util.LinkedHashMap<>();
    /** Pushes waiting for transactions whose records this range holds (leaseholder only). */
    final TxnWaitQueue<Pending> txnWaits = new TxnWaitQueue<>();
    /** Prepares waiting at keys for other transactions' intents to be resolved (leaseholder only). */
    final LockTable<Pending> locks = new LockTable<>();
    /** Waiters this range took out of {@link #locks} to evaluate again, by the key they waited at. */
    final java.util.Map<Pending, byte[]> releasedFromLocks = new java.util.HashMap<>();

    /** A lease request proposed here is in flight; no second one is proposed meanwhile. */
    boolean leaseRequestInFlight;
    /** Set when this node proposed handing its lease away: it stops serving at once, until the lease changes. */
    boolean transferringLease;
    /** The log index the transfer was appended at (0: none in flight); see {@code Scheduler.endDeadTransfer}. */
    long transferIndex;
    /**
     * This node's lease as loaded at start: not served until a lease request of this run applies,
     * since a transfer proposed before the restart may still apply (see {@code LeaseRules}).
     */
    boolean leaseFromPreviousRun;
    /** When this replica last served a request as leaseholder (HLC wall nanos); only recently busy ranges renew. */
    long lastServedNanos;
    /** Highest commit index seen in a Ready: a read served locally waits until it is applied and published. */
    long commitIndex;
    /** Requests served here, for the status's qps and load split key; created at the first request. */
    io.conclave.range.allocator.LoadTracker load;
    /** The size split key last computed, and the size it was computed at (recomputed when it moved by 1/8). */
    byte[] sizeSplitKey;
    long sizeSplitKeyAtBytes = -1;
    /** Requests waiting for this replica to be able to serve (a lease being acquired, leadership coming). */
    final List<Waiting> waiting = new ArrayList<>();

    /** Writes accepted this cycle; they are proposed together at the cycle's start. */
    final List<QueuedWrite> queuedWrites = new ArrayList<>();
    /** Local reads waiting for the published applied index to reach their index; FIFO. */
    final Deque<ReadBatch> readableAt = new ArrayDeque<>();

    Replica(long groupId, RawNode raft, GroupStorage storage, long applied, ConfState confState,
            HardState durableHardState) {
        this.groupId = groupId;
        this.raft = raft;
        this.storage = storage;
        this.applied = applied;
        this.publishedApplied = applied;
        this.confState = confState;
        this.durableHardState = durableHardState;
        this.handedHardState = durableHardState;
    }

    void observe(SoftState soft) {
        if (soft == null) return;
        leaderId = soft.leaderId();
        role = soft.role();
    }

    boolean initialized() {
        return desc != null;
    }

    boolean isLeader() {
        return role == Role.LEADER;
    }

    /** A KV or admin request waiting until the replica can serve; exactly one of the two is set. */
    record Waiting(io.conclave.range.rpc.KvRequest kv, io.conclave.range.rpc.AdminRequest admin, Pending pending) {}

    /**
     * A write (or a read behind a latch) waiting for the cycle's proposal; on a user range with
     * the clock reading and timestamp-cache floor chosen for it (null otherwise).
     */
    record QueuedWrite(io.conclave.range.rpc.KvRequest request, Pending pending, io.conclave.clock.Timestamp now,
            io.conclave.clock.Timestamp writeFloor) {
        QueuedWrite(io.conclave.range.rpc.KvRequest request, Pending pending) {
            this(request, pending, null, null);
        }
    }


    /**
     * A write's hold on its keys. It is taken when the write is routed and learns its log index
     * when proposed. Being answered does not release it: a write answered AMBIGUOUS_RESULT (timed
     * out, leadership lost) may still apply, and a read served from the store meanwhile would
     * miss it, though the write's timestamp (chosen at proposal) may lie below the read's.
     */
    static final class Latch {
        final MvccRequests.Footprint footprint;
        /** The log index the write's entry was appended at; -1 until proposed. */
        private long index = -1;
        /** The lease sequence it was proposed under: apply refuses it under any other. */
        private long leaseSequence;

        Latch(MvccRequests.Footprint footprint) {
            this.footprint = footprint;
        }

        void proposedAt(long index, long leaseSequence) {
            Invariants.check(index > 0, "a latch's write was proposed at index %s", index);
            this.index = index;
            this.leaseSequence = leaseSequence;
        }

        /**
         * Whether the write can no longer apply. Never proposed and answered: it was refused
         * (dropped, not leader) before reaching the log. Proposed: once the applied index reaches
         * its index, whatever entry holds that index (the write, or a new leader's entry that
         * replaced it) was applied, and entries never move to another index; and once the
         * range's lease sequence differs from the one it was proposed under, apply refuses it
         * (sequences only grow, so it never becomes valid again).
         */
        boolean released(boolean answered, long appliedIndex, long currentLeaseSequence) {
            if (index < 0) return answered;
            return appliedIndex >= index || (leaseSequence != 0 && currentLeaseSequence != leaseSequence);
        }

        boolean released(Pending pending, Replica r) {
            return released(pending.answered(), r.applied, r.lease.getSequence());
        }

        /**
         * Whether the committed store shows the write, or it can never apply: released as of the
         * published applied index. Between the two a write is applied in a batch not yet durable,
         * which the committed store (what reads served from it see) may or may not show yet; the
         * latch stays in {@link #latches} until then, for the reads judged after evaluating
         * ({@code Scheduler.serveLimitedScan}).
         */
        boolean published(Pending pending, Replica r) {
            return released(pending.answered(), r.publishedApplied, r.lease.getSequence());
        }
    }

    /** A read waiting for its group's read index to be applied locally. */
    record ReadWaiter(Pending pending, Runnable serve) {}

    /** Reads that may be served once the published applied index reaches {@code index}. */
    static final class ReadBatch {
        final long id;
        final long groupId;
        final List<ReadWaiter> waiters;
        long index = -1;

        ReadBatch(long id, long groupId, List<ReadWaiter> waiters) {
            this.id = id;
            this.groupId = groupId;
            this.waiters = waiters;
        }
    }
}
