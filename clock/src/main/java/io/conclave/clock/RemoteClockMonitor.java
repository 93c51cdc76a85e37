package io.conclave.clock;

import io.conclave.clock.proto.ClockPing;
import io.conclave.clock.proto.ClockPong;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The offset guard: keeps the latest offset measured to each peer and decides whether this node's
 * clock is so far from the cluster's that it must stop.
 *
 * <p>The node pings each peer periodically ({@code ClockPing}/{@code ClockPong} in
 * {@code clock.proto}) and feeds the answers to {@link #recordPingPong}. {@link #check} then
 * returns a fatal {@link Verdict} when, for a strict majority of the live <em>other</em> nodes,
 * the offset is certainly beyond 80% of the maximum offset ({@code |offset| - rtt/2 > 0.8 *
 * maxOffset}). The node logs the verdict's message once and exits: a node whose clock has left
 * the bound could serve a stale read, which is worse than being unavailable.
 *
 * <h2>How this node counts</h2>
 *
 * This node does not vote for itself: it cannot observe its own clock error. Only the other live
 * nodes count, and a peer without a fresh measurement counts as "not far" (we cannot prove an
 * offset we did not measure). Consequences:
 * <ul>
 *   <li>3 nodes, one clock off: the off node sees both peers far (2 of 2) and stops; each healthy
 *       node sees one far peer of two, not a majority, and stays up.
 *   <li>2 nodes whose clocks disagree: each sees its only peer far (1 of 1) and both stop. With
 *       two nodes nobody can tell which clock is wrong, so the safe answer is that neither serves.
 *   <li>A single-node cluster never stops: it has no one to compare with.
 * </ul>
 *
 * <p>The 80% margin leaves room for the remaining error of the measurement and for the drift
 * until the next one, so a node stops before its offset actually reaches the bound.
 *
 * <p>Pure apart from the injected clock used to expire old measurements; thread-safe.
 */
public final class RemoteClockMonitor {
    /** How often a node is expected to ping each peer; for the node's wiring. */
    public static final long DEFAULT_PING_INTERVAL_NANOS = 2_000_000_000L;
    /**
     * How long a measurement counts: a few ping intervals, so one lost pong does not forget a
     * peer, but a peer that stopped answering stops counting.
     */
    public static final long DEFAULT_MEASUREMENT_TTL_NANOS = 5 * DEFAULT_PING_INTERVAL_NANOS;

    private final long selfNodeId;
    private final long maxOffsetNanos;
    private final long toleratedOffsetNanos;
    private final long measurementTtlNanos;
    private final PhysicalClock clock;
    // Guarded by this. Latest measurement per peer.
    private final Map<Long, OffsetMeasurement> latestByNode = new TreeMap<>();

    /** The guard's decision: healthy, or fatal with the one message to log before stopping. */
    public record Verdict(boolean fatal, String message, List<OffsetMeasurement> farNodes) {
        public Verdict {
            farNodes = List.copyOf(farNodes);
        }

        static Verdict healthy() {
            return new Verdict(false, "clock offsets within bounds", List.of());
        }
    }

    public RemoteClockMonitor(long selfNodeId, PhysicalClock clock, long maxOffsetNanos, long measurementTtlNanos) {
        Invariants.require(clock != null, "clock must not be null");
        Invariants.require(measurementTtlNanos > 0, "measurement TTL must be > 0, got %d", measurementTtlNanos);
        MaxOffsetSetting.validate(maxOffsetNanos);
        this.selfNodeId = selfNodeId;
        this.clock = clock;
        this.maxOffsetNanos = maxOffsetNanos;
        this.toleratedOffsetNanos = maxOffsetNanos * 4 / 5; // cannot overflow: max-offset is at most 10 s
        this.measurementTtlNanos = measurementTtlNanos;
    }

    public RemoteClockMonitor(long selfNodeId, PhysicalClock clock, long maxOffsetNanos) {
        this(selfNodeId, clock, maxOffsetNanos, DEFAULT_MEASUREMENT_TTL_NANOS);
    }

    /**
     * Records an offset to {@code nodeId} measured over a round trip of {@code rttNanos} (error
     * bound {@code rtt/2}), taken at local time {@code atNanos}. Replaces the previous one.
     */
    public void recordMeasurement(long nodeId, long offsetNanos, long rttNanos, long atNanos) {
        Invariants.require(rttNanos >= 0, "round trip must be >= 0 ns, got %d", rttNanos);
        record(new OffsetMeasurement(nodeId, offsetNanos, rttNanos - rttNanos / 2, atNanos));
    }

    /**
     * Records the result of a ping sent at local {@code sendNanos}, answered with the peer's
     * physical reading {@code remoteNanos}, received at local {@code receiveNanos}. Returns false
     * (and records nothing) if the local clock stepped back during the trip, which makes the
     * round trip meaningless.
     */
    public boolean recordPingPong(long nodeId, long sendNanos, long remoteNanos, long receiveNanos) {
        if (receiveNanos < sendNanos) {
            return false;
        }
        record(OffsetMeasurement.fromPingPong(nodeId, sendNanos, remoteNanos, receiveNanos));
        return true;
    }

    /** A ping to send to a peer now; the peer answers it with {@link #answer}. */
    public ClockPing newPing() {
        return ClockPing.newBuilder().setSenderNodeId(selfNodeId).setSendNanos(clock.nowNanos())
                .setMaxOffsetNanos(maxOffsetNanos).build();
    }

    /**
     * This node's answer to a peer's ping: its physical clock reading, read as late as possible.
     *
     * @throws MaxOffsetMismatchException if the peer runs with a different {@code --max-offset}
     */
    public ClockPong answer(ClockPing ping) {
        MaxOffsetSetting.checkCompatible(maxOffsetNanos, ping.getMaxOffsetNanos());
        return ClockPong.newBuilder().setResponderNodeId(selfNodeId).setEchoedSendNanos(ping.getSendNanos())
                .setMaxOffsetNanos(maxOffsetNanos).setResponderNanos(clock.nowNanos()).build();
    }

    /**
     * Records the offset a pong reveals, receive time being now. Returns false if the local clock
     * stepped back during the round trip (nothing recorded).
     *
     * @throws MaxOffsetMismatchException if the peer runs with a different {@code --max-offset}
     */
    public boolean recordPong(ClockPong pong) {
        MaxOffsetSetting.checkCompatible(maxOffsetNanos, pong.getMaxOffsetNanos());
        return recordPingPong(pong.getResponderNodeId(), pong.getEchoedSendNanos(), pong.getResponderNanos(),
                clock.nowNanos());
    }

    private void record(OffsetMeasurement measurement) {
        Invariants.require(measurement.nodeId() != selfNodeId,
                "node %d cannot record a clock offset to itself", selfNodeId);
        synchronized (this) {
            latestByNode.put(measurement.nodeId(), measurement);
        }
    }

    /** Forgets a peer, e.g. when it leaves the cluster. */
    public synchronized void forget(long nodeId) {
        latestByNode.remove(nodeId);
    }

    /** The fresh measurements by node id, for status pages and {@code SHOW CLOCK OFFSETS}. */
    public Map<Long, OffsetMeasurement> offsets() {
        long now = clock.nowNanos();
        synchronized (this) {
            expireLocked(now);
            return Collections.unmodifiableMap(new TreeMap<>(latestByNode));
        }
    }

    /** Decides whether this node must stop; see the class comment for the majority rule. */
    public Verdict check(Set<Long> liveNodeIds) {
        Invariants.require(liveNodeIds != null, "live node ids must not be null");
        long now = clock.nowNanos();
        List<OffsetMeasurement> far = new ArrayList<>();
        int liveOthers = 0;
        synchronized (this) {
            expireLocked(now);
            for (long nodeId : new TreeSet<>(liveNodeIds)) {
                if (nodeId == selfNodeId) {
                    continue;
                }
                liveOthers++;
                OffsetMeasurement measurement = latestByNode.get(nodeId);
                if (measurement != null && measurement.certainOffsetNanos() > toleratedOffsetNanos) {
                    far.add(measurement);
                }
            }
        }
        if (liveOthers == 0 || far.size() * 2 <= liveOthers) {
            return Verdict.healthy();
        }
        StringBuilder message = new StringBuilder("clock offset from a majority of live nodes exceeds 80% of the"
                + " maximum offset (max-offset=" + ClockDurations.format(maxOffsetNanos) + "): ");
        for (int i = 0; i < far.size(); i++) {
            OffsetMeasurement m = far.get(i);
            message.append(i == 0 ? "" : ", ").append("node ").append(m.nodeId()).append(' ')
                    .append(ClockDurations.formatApprox(m.offsetNanos()));
        }
        message.append("; stopping to avoid serving stale reads");
        return new Verdict(true, message.toString(), far);
    }

    public long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    /** 80% of the maximum offset: the certain offset beyond which a peer counts as far. */
    public long toleratedOffsetNanos() {
        return toleratedOffsetNanos;
    }

    private void expireLocked(long nowNanos) {
        // A measurement "from the future" (the local clock stepped back) is kept until the clock
        // catches up with it; expiring it early would only hide a peer, never stop a bad node.
        latestByNode.values().removeIf(m -> nowNanos - m.measuredAtNanos() > measurementTtlNanos);
    }
}
