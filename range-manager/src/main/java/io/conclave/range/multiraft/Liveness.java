package io.conclave.range.multiraft;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which peer nodes this node heard from lately, in ticks. Every node sends every peer at least
 * one (possibly empty) RaftBatch per tick, so silence for {@code timeoutTicks} means the peer or
 * the path to it is down. Quiesced followers depend on this: they do not tick, so without it they
 * would never notice that their leader's node died.
 */
final class Liveness {
    private final long timeoutTicks;
    private final Map<Long, Long> lastHeardTick = new HashMap<>();
    private final Set<Long> dead = new HashSet<>();

    Liveness(long timeoutTicks) {
        Invariants.check(timeoutTicks > 0, "liveness timeout must be positive, was %s", timeoutTicks);
        this.timeoutTicks = timeoutTicks;
    }

    void heard(long nodeId, long tick) {
        lastHeardTick.put(nodeId, tick);
        dead.remove(nodeId);
    }

    boolean isDead(long nodeId) {
        return dead.contains(nodeId);
    }

    /** Peers silent for longer than the timeout that were not yet known to be; a new peer gets a grace period. */
    List<Long> newlyDead(Collection<Long> peers, long tick) {
        List<Long> out = new ArrayList<>();
        for (long p : peers) {
            long last = lastHeardTick.computeIfAbsent(p, k -> tick);
            if (tick - last > timeoutTicks && dead.add(p)) out.add(p);
        }
        return out;
    }
}
