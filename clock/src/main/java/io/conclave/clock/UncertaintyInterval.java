package io.conclave.clock;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The uncertainty window of a transaction's reads: {@code (readTs, readTs + maxOffset]}, the
 * upper end taken in wall time (every logical counter at wall time {@code readTs.wall +
 * maxOffset} is inside).
 *
 * <p>A value written at a timestamp in the window might have been written, in real time,
 * before the read started: the writer's clock may have been up to {@code maxOffset} ahead of the
 * reader's. Ignoring it could miss a write that finished before the read began (a stale read),
 * so a reader that meets one must {@link #restartAbove restart above it}.
 *
 * <p>The window's upper bound, {@link #globalLimit()}, is fixed for the transaction's whole
 * life, also across restarts: moving it up with the read timestamp would let a transaction chase
 * a stream of fresh writes forever.
 *
 * <p><b>Observed timestamps</b> shrink the window per node. When the transaction reads from a
 * node, that node's clock reading at the time ({@code observed}) bounds every value the node can
 * have written before the read began: anything it writes later gets a larger timestamp because
 * its clock is monotonic. So for values from that node the limit is
 * {@code min(globalLimit, observed)}. Hazard: this holds only if the values on that node were
 * written by that node's clock (a leaseholder whose lease began before {@code observed}); the
 * transaction layer must fall back to the global limit after a lease transfer.
 *
 * <p>Immutable; every change returns a new instance.
 */
public final class UncertaintyInterval {
    private final Timestamp readTs;
    private final Timestamp globalLimit;
    private final Map<Long, Timestamp> observedByNode; // unmodifiable, sorted by node id

    private UncertaintyInterval(Timestamp readTs, Timestamp globalLimit, Map<Long, Timestamp> observedByNode) {
        // After restarts readTs may pass globalLimit: the window is then empty, which is fine.
        Invariants.check(readTs != null && globalLimit != null && observedByNode != null,
                "uncertainty interval parts must not be null");
        this.readTs = readTs;
        this.globalLimit = globalLimit;
        this.observedByNode = observedByNode;
    }

    /** The window of a transaction that starts reading at {@code readTs}. */
    public static UncertaintyInterval start(Timestamp readTs, long maxOffsetNanos) {
        Invariants.require(readTs != null, "read timestamp must not be null");
        MaxOffsetSetting.validate(maxOffsetNanos);
        // The bound is on physical clocks, so the window ends at a wall time: every logical tick at
        // readTs.wall + maxOffset is inside. Keeping readTs's logical counter instead (as
        // CockroachDB does) would leave out values stamped exactly at the bound by a clock whose
        // hybrid counter happened to be higher, which the offset bound does not exclude.
        Timestamp limit = readTs.wallNanos() > Long.MAX_VALUE - maxOffsetNanos
                ? Timestamp.MAX : new Timestamp(readTs.wallNanos() + maxOffsetNanos, Integer.MAX_VALUE);
        return new UncertaintyInterval(readTs, limit, Map.of());
    }

    /** A window with no uncertainty at all: for reads that accept staleness, e.g. follower reads. */
    public static UncertaintyInterval none(Timestamp readTs) {
        Invariants.require(readTs != null, "read timestamp must not be null");
        return new UncertaintyInterval(readTs, readTs, Map.of());
    }

    public Timestamp readTs() {
        return readTs;
    }

    /**
     * The last timestamp with wall time {@code readTs.wall + maxOffset}, for the transaction's
     * first read timestamp; it never moves.
     */
    public Timestamp globalLimit() {
        return globalLimit;
    }

    /** The observed timestamps recorded so far, by node id. */
    public Map<Long, Timestamp> observed() {
        return observedByNode;
    }

    /**
     * Records that the transaction read from {@code nodeId} when its clock read {@code observed}.
     * The earliest observation per node is kept: later ones only widen the window again.
     */
    public UncertaintyInterval withObserved(long nodeId, Timestamp observed) {
        Invariants.require(observed != null, "observed timestamp must not be null");
        Timestamp existing = observedByNode.get(nodeId);
        if (existing != null && !observed.isBefore(existing)) {
            return this;
        }
        TreeMap<Long, Timestamp> copy = new TreeMap<>(observedByNode);
        copy.put(nodeId, observed);
        return new UncertaintyInterval(readTs, globalLimit, Collections.unmodifiableMap(copy));
    }

    /**
     * The upper bound of the window for values read from {@code nodeId}: the global limit, or
     * the node's observed timestamp if smaller; never below {@code readTs} (an empty window).
     */
    public Timestamp limitFor(long nodeId) {
        Timestamp observed = observedByNode.get(nodeId);
        Timestamp limit = observed == null ? globalLimit : Timestamp.min(globalLimit, observed);
        return Timestamp.max(limit, readTs);
    }

    /** Whether a value at {@code valueTs} on {@code nodeId} may precede the read in real time. */
    public boolean isUncertain(Timestamp valueTs, long nodeId) {
        return valueTs.isAfter(readTs) && !valueTs.isAfter(limitFor(nodeId));
    }

    /** Like {@link #isUncertain(Timestamp, long)} for a value whose node is unknown: uses the global limit. */
    public boolean isUncertain(Timestamp valueTs) {
        return valueTs.isAfter(readTs) && !valueTs.isAfter(globalLimit);
    }

    /**
     * The interval after an uncertainty restart caused by a value at {@code valueTs}: the read
     * timestamp moves just above it ({@code valueTs.next()}), so the value is visible and the
     * transaction's own writes order after it; the limits stay. Its {@link #readTs()} is the
     * new read timestamp.
     *
     * @throws IllegalArgumentException if {@code valueTs} is not above the read timestamp
     */
    public UncertaintyInterval restartAbove(Timestamp valueTs) {
        Invariants.require(valueTs.isAfter(readTs),
                "restart at %s is not above the read timestamp %s", valueTs, readTs);
        return new UncertaintyInterval(valueTs.next(), globalLimit, observedByNode);
    }

    /** Moves the read timestamp forward for another reason (e.g. a refresh); limits stay. */
    public UncertaintyInterval withReadTs(Timestamp newReadTs) {
        Invariants.require(!newReadTs.isBefore(readTs),
                "read timestamp may only move forward: %s -> %s", readTs, newReadTs);
        return new UncertaintyInterval(newReadTs, globalLimit, observedByNode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UncertaintyInterval other && readTs.equals(other.readTs)
                && globalLimit.equals(other.globalLimit) && observedByNode.equals(other.observedByNode);
    }

    @Override
    public int hashCode() {
        return readTs.hashCode() * 31 + globalLimit.hashCode();
    }

    @Override
    public String toString() {
        return "UncertaintyInterval(" + readTs + ", " + globalLimit + "], observed=" + observedByNode;
    }
}
