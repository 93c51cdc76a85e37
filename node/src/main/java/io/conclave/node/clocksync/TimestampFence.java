package io.conclave.node.clocksync;

import io.conclave.clock.PhysicalClock;
import io.conclave.txn.TimestampGate;
import io.conclave.txn.TxnUnavailableException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Whether this node may hand out timestamps: registration and self-fencing (the rule and its
 * argument are in {@code io.conclave.clock}'s package documentation, "witnessed commit-wait").
 *
 * <p>The node is open while its physical clock is below the expiration E of its last liveness
 * write that completed. It starts closed; once closed, it opens again only after a write
 * completes and the max offset has then passed on its physical clock: a witness round that
 * skipped it (judged its record expired) or began before its first write may have let a commit
 * through with a timestamp up to the max offset above this node's clock.
 *
 * <p>{@link #open} costs a volatile read and a physical clock reading. Writes and waits are
 * reported by the liveness thread; the rest of the state is guarded by this.
 */
public final class TimestampFence implements TimestampGate {
    private static final Logger LOG = Logger.getLogger(TimestampFence.class.getName());
    /** A begin on a fenced node waits at most this long for it to open (its next heartbeat plus the max offset). */
    public static final Duration MAX_BEGIN_WAIT = Duration.ofSeconds(30);
    private static final long NOT_WAITING = Long.MIN_VALUE;
    /** {@link #openToken} when closed; never a generation. */
    public static final long CLOSED = -1;
    // A waiting begin looks again at least this often (an expiration passes without a notify).
    private static final long POLL_MILLIS = 20;

    private final long nodeId;
    private final PhysicalClock physical;
    private final long maxOffsetNanos;
    private final long beginWaitNanos;
    // Physical nanos below which this node may hand out timestamps; MIN_VALUE: closed until a wait ends.
    private volatile long openUntilNanos = Long.MIN_VALUE;
    // Incremented at every opening, before openUntilNanos is set: a token names one open period.
    // Within it openUntilNanos only grows, and only while open, so open at two moments of the same
    // period means open throughout.
    private volatile long generation;
    private long expirationNanos = Long.MIN_VALUE;
    // When the first write that completed while closed did: the max offset is waited out from there.
    private long waitingSinceNanos = NOT_WAITING;
    private boolean everOpened;
    private boolean withdrawn;
    private boolean fenceNoticed;
    private long fencings;
    private long lastReopenWaitNanos = -1;

    /**
     * @param beginWait how long a transaction begin on a closed node waits for it to open before it
     *     fails (retryably); between 0 and {@link #MAX_BEGIN_WAIT}
     */
    public TimestampFence(long nodeId, PhysicalClock physical, long maxOffsetNanos, Duration beginWait) {
        if (maxOffsetNanos <= 0) throw new IllegalArgumentException("the max offset must be positive, was " + maxOffsetNanos);
        if (beginWait == null || beginWait.isNegative() || beginWait.compareTo(MAX_BEGIN_WAIT) > 0) {
            throw new IllegalArgumentException("a begin's wait for a fenced or registering node must be between 0 and "
                    + MAX_BEGIN_WAIT.toSeconds() + "s, was " + beginWait);
        }
        this.nodeId = nodeId;
        this.physical = physical;
        this.maxOffsetNanos = maxOffsetNanos;
        this.beginWaitNanos = beginWait.toNanos();
    }

    /** Whether this node may hand out a timestamp now. */
    public boolean open() {
        return physical.nowNanos() < openUntilNanos;
    }

    /**
     * A token for {@link #stillOpen} if this node is open now, else {@link #CLOSED}. A timestamp
     * read after this call may be handed out only if {@code stillOpen(token)} holds after the read.
     */
    public long openToken() {
        long token = generation;
        return open() && generation == token ? token : CLOSED;
    }

    @Override
    public boolean stillOpen(long token) {
        return token != CLOSED && open() && generation == token;
    }

    /** Whether this node has been open at least once in this run (it registered). */
    public synchronized boolean everOpened() {
        return everOpened;
    }

    /**
     * How long the node stayed closed after the first write that completed while it was closed,
     * at its last opening; -1 before the first opening.
     */
    public synchronized long lastReopenWaitNanos() {
        return lastReopenWaitNanos;
    }

    /** How many times this node fenced itself in this run (its record expired while it was open). */
    public synchronized long fencings() {
        return fencings;
    }

    /**
     * A liveness write with expiration {@code expirationWallNanos} completed (was acknowledged);
     * call it after the acknowledgement, never before. Returns how long to wait before calling
     * {@link #waitOut}, or 0 when the node stays open (no wait).
     */
    public synchronized long writeCompleted(long expirationWallNanos) {
        if (withdrawn) return 0;
        long now = physical.nowNanos();
        expirationNanos = Math.max(expirationNanos, expirationWallNanos);
        // Still open now, so open before this write's commit too: no round could have skipped this
        // node yet (it would have seen this node's clock past the old expiration).
        if (now < openUntilNanos) {
            openUntilNanos = expirationNanos;
            return 0;
        }
        noticeFencedLocked(now);
        if (waitingSinceNanos == NOT_WAITING) waitingSinceNanos = now;
        return Math.max(1, waitingSinceNanos + maxOffsetNanos + 1 - now);
    }

    /**
     * Opens the node if the max offset has passed since the first write that completed while it
     * was closed. Returns the nanos still to wait (then call again), or 0.
     */
    public synchronized long waitOut() {
        if (withdrawn || waitingSinceNanos == NOT_WAITING) return 0;
        long now = physical.nowNanos();
        long remaining = waitingSinceNanos + maxOffsetNanos + 1 - now;
        if (remaining > 0) return remaining;
        long since = waitingSinceNanos;
        waitingSinceNanos = NOT_WAITING;
        generation++;
        openUntilNanos = expirationNanos;
        if (now < expirationNanos) {
            lastReopenWaitNanos = now - since;
            boolean first = !everOpened;
            everOpened = true;
            fenceNoticed = false;
            LOG.info(() -> "node " + nodeId + (first ? " registered" : " is ready again (a liveness write completed,"
                    + " then the max offset passed)") + "; it hands out timestamps");
            notifyAll();
        }
        return 0;
    }

    /**
     * Closes the node for good: it is shutting down. No liveness write opens it again, so a record
     * written after this call may carry any expiration from the clock's reading on, however
     * near: the node hands out no timestamp from before that reading's physical time on.
     */
    public synchronized void withdraw() {
        withdrawn = true;
        generation++;
        openUntilNanos = Long.MIN_VALUE;
        waitingSinceNanos = NOT_WAITING;
        notifyAll();
    }

    /** Logs once, and counts, that this node fenced itself, if it did since it last opened. */
    public synchronized void noticeFenced() {
        noticeFencedLocked(physical.nowNanos());
    }

    private void noticeFencedLocked(long now) {
        if (!everOpened || withdrawn || fenceNoticed || now < openUntilNanos) return;
        fenceNoticed = true;
        fencings++;
        long expiredAt = expirationNanos;
        LOG.warning(() -> "node " + nodeId + " fenced itself: its liveness record expired at " + expiredAt
                + " (physical nanos) with no write completed since; it hands out no timestamps until a write"
                + " completes and the max offset has passed");
    }

    /** Why this node hands out no timestamp now, for an error message. */
    public String whyClosed() {
        boolean registered;
        synchronized (this) {
            if (withdrawn) return "node " + nodeId + " hands out no timestamps: it is shutting down; ask another node";
            registered = everOpened;
        }
        return registered
                ? "node " + nodeId + " hands out no timestamps for now: it fenced itself because its liveness record"
                        + " expired (no heartbeat completed in time); it is ready again a max offset after its next"
                        + " heartbeat completes; ask another node"
                : "node " + nodeId + " hands out no timestamps yet: it is registering (its liveness record, then the"
                        + " max offset waited out); ask another node";
    }

    /**
     * The transaction begin's gate: returns at once while open, else waits up to the begin wait
     * for the node to open and then fails retryably (SQLSTATE 57P03).
     */
    @Override
    public long awaitOpen() {
        long token = openToken();
        if (token != CLOSED) return token;
        long deadline = physical.nowNanos() + beginWaitNanos;
        synchronized (this) {
            while ((token = openToken()) == CLOSED) {
                long remaining = deadline - physical.nowNanos();
                if (withdrawn) throw new TxnUnavailableException(whyClosed());
                if (remaining <= 0) {
                    throw new TxnUnavailableException(whyClosed() + " (waited " + beginWaitNanos / 1_000_000 + " ms)");
                }
                try {
                    wait(Math.max(1, Math.min(POLL_MILLIS, remaining / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TxnUnavailableException(whyClosed() + " (interrupted while waiting)");
                }
            }
            return token;
        }
    }
}
