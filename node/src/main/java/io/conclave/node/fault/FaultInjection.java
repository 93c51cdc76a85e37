package io.conclave.node.fault;

import io.conclave.clock.PhysicalClock;
import io.conclave.node.rpc.FaultState;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.client.NodeDialer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;

/**
 * One node's fault-injection knob (see the package comment): either disabled, when it changes
 * nothing and refuses every rule, or enabled by {@code --testing-fault-injection}, when it holds
 * the rules in force and wraps the node's clock and dialer to obey them.
 */
public final class FaultInjection {
    private static final Logger LOG = Logger.getLogger(FaultInjection.class.getName());

    private final boolean enabled;
    private volatile FaultRules rules = FaultRules.NONE;
    private volatile AdjustableClock clock;
    private final AtomicLong droppedFrames = new AtomicLong();
    private final AtomicLong refusedRequests = new AtomicLong();

    private FaultInjection(boolean enabled) {
        this.enabled = enabled;
    }

    /** A production node: no rules, ever. */
    public static FaultInjection disabled() {
        return new FaultInjection(false);
    }

    /** A node started with {@code --testing-fault-injection}. */
    public static FaultInjection enabled() {
        return new FaultInjection(true);
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** The node's physical clock: {@code base} itself when disabled, else base plus the rules' step. */
    public PhysicalClock clockOver(PhysicalClock base) {
        if (!enabled) return base;
        if (clock != null) throw new IllegalStateException("the fault-injection clock is already wired");
        AdjustableClock c = new AdjustableClock(base);
        c.setOffsetNanos(rules.clockOffsetNanos());
        clock = c;
        return c;
    }

    /**
     * The node's own dialer: {@code inner} itself when disabled, else one that refuses requests
     * to isolated peers.
     *
     * @param nodeAt the id of the node listening at a {@code host:port}, or 0 if unknown
     */
    public NodeDialer dialerOver(NodeDialer inner, ToLongFunction<String> nodeAt) {
        return enabled ? new FaultyDialer(inner, this, nodeAt) : inner;
    }

    /** Whether the rules cut this node off from {@code nodeId}; always false when disabled. */
    public boolean isolates(long nodeId) {
        return enabled && rules.isolates(nodeId);
    }

    /** Counts a Raft frame dropped under the rules. */
    public void countDroppedFrame() {
        droppedFrames.incrementAndGet();
    }

    void countRefusedRequest() {
        refusedRequests.incrementAndGet();
    }

    public FaultRules rules() {
        return rules;
    }

    /**
     * Applies a {@code SetFaults} request on node {@code selfId} and answers the rules in force.
     *
     * @throws FaultInjectionRefused if the node was started without the flag, or the rules are
     *     malformed (a node cut off from itself, a step beyond the limit)
     */
    public FaultState apply(long selfId, SetFaults request) {
        if (!enabled) {
            throw new FaultInjectionRefused("node " + selfId + " was not started with --testing-fault-injection;"
                    + " it accepts no fault rules");
        }
        if (!request.getQueryOnly()) {
            FaultRules next;
            try {
                Set<Long> isolated = new HashSet<>(request.getIsolatedFromList());
                if (isolated.contains(selfId)) {
                    throw new IllegalArgumentException("node " + selfId + " cannot be cut off from itself");
                }
                next = new FaultRules(isolated, request.getClockOffsetNanos());
            } catch (IllegalArgumentException e) {
                throw new FaultInjectionRefused("node " + selfId + " refuses the fault rules: " + e.getMessage());
            }
            // The clock first: a test that heals a partition and steps the clock back in one request
            // should see the clock right before the peers hear from this node again.
            if (clock != null) clock.setOffsetNanos(next.clockOffsetNanos());
            rules = next;
            LOG.warning("node " + selfId + " fault rules now: isolated from " + next.isolatedFrom()
                    + ", clock step " + next.clockOffsetNanos() / 1_000_000 + " ms");
        }
        return state();
    }

    public FaultState state() {
        FaultRules r = rules;
        return FaultState.newBuilder().addAllIsolatedFrom(r.isolatedFrom()).setClockOffsetNanos(r.clockOffsetNanos())
                .setDroppedFrames(droppedFrames.get()).setRefusedRequests(refusedRequests.get()).build();
    }

    /** A fault request the node will not carry out, with the reason. */
    public static final class FaultInjectionRefused extends RuntimeException {
        FaultInjectionRefused(String message) {
            super(message);
        }
    }
}
