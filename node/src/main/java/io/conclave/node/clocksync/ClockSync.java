package io.conclave.node.clocksync;

import io.conclave.clock.ClockDurations;
import io.conclave.clock.MaxOffsetMismatchException;
import io.conclave.clock.OffsetGuard;
import io.conclave.clock.OffsetMeasurement;
import io.conclave.clock.PhysicalClock;
import io.conclave.clock.RemoteClockMonitor;
import io.conclave.clock.Scheduler;
import io.conclave.clock.proto.ClockPing;
import io.conclave.clock.proto.ClockPong;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's offset guard: every check interval it judges the offsets measured so far (stopping
 * the node, once, on a fatal verdict) and then pings every known peer, recording each answer in a
 * {@link RemoteClockMonitor}. It also answers the peers' pings.
 *
 * <p>All clock readings here are of the node's <em>physical</em> clock, never of the hybrid
 * logical clock: the guard bounds how far the physical clocks drift apart.
 *
 * <p>Who counts as live: every known peer, except one that answered before and has been silent
 * for a measurement TTL since (it is presumably down). A peer never heard from counts as live
 * and not far: while a cluster starts, a node that has measured only the one bad clock among
 * its peers must not convict itself because the other peers are still booting. Besides the
 * offset verdict, a strict majority of live peers running with another {@code --max-offset}
 * also stops the node, with the message of {@link MaxOffsetMismatchException}, which names both
 * values.
 *
 * <p>Thread-safe: rounds run on the scheduler's thread, answers on the pinger's threads.
 */
public final class ClockSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClockSync.class.getName());

    /** How this node reaches a peer's clock. */
    public interface Pinger extends AutoCloseable {
        /**
         * Sends {@code ping} to node {@code nodeId}; completes with its answer, or exceptionally
         * (no connection, timeout) after at most about {@code timeout}. Must not block for longer
         * than a connect timeout.
         */
        CompletableFuture<ClockPong> ping(long nodeId, ClockPing ping, Duration timeout);

        @Override
        default void close() {}
    }

    /** A peer's answer refused our {@code --max-offset}, as of local time {@code atNanos}. */
    private record Mismatch(MaxOffsetMismatchException error, long atNanos) {}

    private final long selfNodeId;
    private final PhysicalClock clock;
    private final long maxOffsetNanos;
    private final ClockSyncSettings settings;
    private final RemoteClockMonitor monitor;
    private final OffsetGuard guard;
    private final Supplier<Set<Long>> peerIds;
    private final Pinger pinger;
    private final Consumer<String> stopNode;
    private final Map<Long, Mismatch> mismatches = new ConcurrentHashMap<>();
    // Peers whose refused --max-offset we already logged, so the log shows one line per peer.
    private final Set<Long> loggedRefusals = ConcurrentHashMap.newKeySet();
    // Peers that answered at least once since start; see the class comment on liveness.
    private final Set<Long> everAnswered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param clock the node's physical clock ({@code --test-clock-offset} included)
     * @param peerIds the other nodes this node knows of, asked once per round
     * @param stopNode called at most once, with the one message to log before the node stops
     */
    public ClockSync(long selfNodeId, PhysicalClock clock, long maxOffsetNanos, ClockSyncSettings settings,
            Supplier<Set<Long>> peerIds, Pinger pinger, Consumer<String> stopNode) {
        if (clock == null || settings == null || peerIds == null || pinger == null || stopNode == null) {
            throw new IllegalArgumentException("clock, settings, peer ids, pinger and stop callback must be set");
        }
        this.selfNodeId = selfNodeId;
        this.clock = clock;
        this.maxOffsetNanos = maxOffsetNanos;
        this.settings = settings;
        this.monitor = new RemoteClockMonitor(selfNodeId, clock, maxOffsetNanos, settings.measurementTtlNanos());
        this.guard = new OffsetGuard(monitor, this::liveNodeIds, this::stop);
        this.peerIds = peerIds;
        this.pinger = pinger;
        this.stopNode = stopNode;
    }

    /** Runs a round every check interval on {@code scheduler} until stopped or closed. */
    public void start(Scheduler scheduler) {
        scheduler.schedule(() -> tick(scheduler), settings.checkInterval().toNanos());
    }

    private void tick(Scheduler scheduler) {
        if (closed.get() || stopped.get()) {
            return;
        }
        try {
            runRound();
        } catch (RuntimeException e) {
            // A bug in one round must not end the guard for the life of the node.
            LOG.log(Level.WARNING, "node " + selfNodeId + ": clock check round failed", e);
        }
        if (!closed.get() && !stopped.get()) {
            scheduler.schedule(() -> tick(scheduler), settings.checkInterval().toNanos());
        }
    }

    /** One round: judge what earlier rounds measured, then ping every peer. */
    public void runRound() {
        RemoteClockMonitor.Verdict verdict = checkNow();
        if (!verdict.fatal() && !closed.get()) {
            pingAll();
        }
    }

    /** Judges the current measurements; on the first fatal verdict stops the node. */
    public RemoteClockMonitor.Verdict checkNow() {
        RemoteClockMonitor.Verdict disagreement = checkMaxOffsetAgreement();
        if (disagreement.fatal()) {
            stop(disagreement.message());
            return disagreement;
        }
        return guard.checkNow();
    }

    /** Sends one ping to every known peer; answers are recorded as they arrive. */
    public void pingAll() {
        for (long peer : new TreeSet<>(peerIds.get())) {
            if (peer == selfNodeId) {
                continue;
            }
            ClockPing ping = monitor.newPing();
            CompletableFuture<ClockPong> answer;
            try {
                answer = pinger.ping(peer, ping, settings.pingTimeout());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((pong, error) -> onAnswer(peer, ping, pong, error));
        }
    }

    private void onAnswer(long peer, ClockPing ping, ClockPong pong, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            LOG.fine(() -> "node " + selfNodeId + ": clock ping to node " + peer + " failed: " + cause);
            return; // the peer's last measurement expires on its own; a silent peer does not count
        }
        if (pong.getResponderNodeId() != peer || pong.getEchoedSendNanos() != ping.getSendNanos()) {
            LOG.warning("node " + selfNodeId + ": ignoring a clock answer from node " + pong.getResponderNodeId()
                    + " to a ping sent to node " + peer + " (wrong node at that address, or a stale answer)");
            return;
        }
        everAnswered.add(peer);
        try {
            monitor.recordPong(pong);
            mismatches.remove(peer);
        } catch (MaxOffsetMismatchException refused) {
            mismatches.put(peer, new Mismatch(refused, clock.nowNanos()));
            if (loggedRefusals.add(peer)) {
                LOG.warning("node " + selfNodeId + ": node " + peer + " refused our clock: " + refused.getMessage());
            }
        }
    }

    /**
     * Answers a peer's ping with this node's physical reading. A ping from a node with another
     * {@code --max-offset} gets an answer that carries only our setting, which the pinging node
     * turns into a {@link MaxOffsetMismatchException} naming both values.
     */
    public ClockPong answer(ClockPing ping) {
        try {
            return monitor.answer(ping);
        } catch (MaxOffsetMismatchException refused) {
            if (loggedRefusals.add(ping.getSenderNodeId())) {
                LOG.warning("node " + selfNodeId + ": refusing the clock of node " + ping.getSenderNodeId() + ": "
                        + refused.getMessage());
            }
            return ClockPong.newBuilder().setResponderNodeId(selfNodeId).setEchoedSendNanos(ping.getSendNanos())
                    .setMaxOffsetNanos(maxOffsetNanos).build();
        }
    }

    /** The fresh measurements by peer, for status and metrics. */
    public Map<Long, OffsetMeasurement> offsets() {
        return monitor.offsets();
    }

    /** This node's physical clock reading, the time base of {@link #offsets()}. */
    public long physicalNowNanos() {
        return clock.nowNanos();
    }

    public long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    /** Whether this guard has stopped the node. */
    public boolean hasStopped() {
        return stopped.get();
    }

    /** Stops the rounds (at the next tick) and closes the pinger's connections. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            guard.close();
            try {
                pinger.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing the clock pinger failed", e);
            }
        }
    }

    /** Known peers that are fresh, refused us recently, or were never heard from. */
    private Set<Long> liveNodeIds() {
        long now = clock.nowNanos();
        mismatches.values().removeIf(m -> now - m.atNanos() > settings.measurementTtlNanos());
        Set<Long> fresh = monitor.offsets().keySet();
        Set<Long> live = new TreeSet<>();
        for (long peer : peerIds.get()) {
            if (peer != selfNodeId
                    && (fresh.contains(peer) || mismatches.containsKey(peer) || !everAnswered.contains(peer))) {
                live.add(peer);
            }
        }
        return live;
    }

    private RemoteClockMonitor.Verdict checkMaxOffsetAgreement() {
        Set<Long> live = liveNodeIds();
        mismatches.keySet().retainAll(live);
        List<Mismatch> refusing = List.copyOf(mismatches.values());
        if (refusing.isEmpty() || refusing.size() * 2 <= live.size()) {
            return new RemoteClockMonitor.Verdict(false, "max-offset agreed", List.of());
        }
        return new RemoteClockMonitor.Verdict(true, refusing.size() + " of " + live.size()
                + " live peers run with another maximum clock offset: " + refusing.get(0).error().getMessage()
                + "; stopping", List.of());
    }

    private void stop(String message) {
        if (stopped.compareAndSet(false, true)) {
            stopNode.accept(message);
        }
    }

    @Override
    public String toString() {
        return "ClockSync(node " + selfNodeId + ", max-offset=" + ClockDurations.format(maxOffsetNanos) + ", "
                + monitor.offsets().values() + ")";
    }
}
