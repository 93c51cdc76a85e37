package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.range.mvcc.Deadlocks;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnWaitsFor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The txn wait queue of one range on its leaseholder: pushes that could not win, parked by the
 * pushee they wait for, first come first served. Pure: time comes in as arguments, and what a
 * waiter's answer is (evaluate the push again, or answer PUSH_FAILED) is the scheduler's.
 *
 * <p>A waiter leaves the queue when the pushee's record changes on this range ({@link #release}:
 * it finished or was pushed), at its due time ({@link #due}: the end of its wait, or the moment
 * the pushee's record expires, whichever comes first), or all at once when the lease moves
 * ({@link #drain}). The queue is in memory only: a new leaseholder starts empty and the pushers
 * it lost push again (their answer was PUSH_FAILED, or the request failed over). The queueing
 * itself is a {@link KeyedWaitQueue} in the order the pushees got their first waiter.
 *
 * @param <P> how the scheduler answers a waiter
 */
final class TxnWaitQueue<P> {
    /** Waiting pushes per range; beyond it a push is answered at once (PUSH_FAILED) and the pusher backs off. */
    static final int MAX_WAITERS = 10_000;
    /** The longest a push waits before it is answered and pushes again. */
    static final long MAX_WAIT_NANOS = 2_000_000_000L;
    /**
     * How long the edge of a push answered after its wait still counts for deadlock detection:
     * its pusher is asking who waits for it and pushes again meanwhile. Without it, two pushers
     * of a cycle whose waits end together would each find the other's edge gone, every round.
     * Long enough for that round trip on a loaded node; an edge outliving its pusher's interest
     * (it gave up) can only make a cycle that aborts a lowest-priority member early.
     */
    static final long ANSWERED_EDGE_NANOS = 1_000_000_000L;

    /**
     * One parked push.
     *
     * @param dueAtNanos when to take it out even if nothing happened
     * @param reevaluate at {@code dueAtNanos}: true if the pushee's record expires then (evaluate
     *     the push again, which now aborts it), false if the wait is over (answer PUSH_FAILED)
     */
    record Waiter<P>(KvRequest request, P pending, long dueAtNanos, boolean reevaluate)
            implements KeyedWaitQueue.Waiter {
        TxnPush push() {
            return request.getTxnPush();
        }
    }

    /** A push answered after its wait, whose edge counts until {@code untilNanos}. */
    private record AnsweredPush(TxnPush push, long untilNanos) {}

    private final KeyedWaitQueue<ByteString, Waiter<P>> byPushee = KeyedWaitQueue.inArrivalOrder(MAX_WAITERS);
    /** Pushes answered after their wait, by (pusher, pushee); bounded like the queue. */
    private final Map<List<ByteString>, AnsweredPush> answered = new LinkedHashMap<>();

    private static List<ByteString> edge(TxnPush push) {
        return List.of(push.getPusher().getId(), push.getPushee().getId());
    }

    /** Parks a push; false if the queue is full (answer it at once). */
    boolean park(Waiter<P> w) {
        if (!byPushee.park(w.push().getPushee().getId(), w, false)) return false;
        answered.remove(edge(w.push()));
        return true;
    }

    /** Takes out every push waiting for {@code pusheeId}, in the order they came. */
    List<Waiter<P>> release(ByteString pusheeId) {
        answered.values().removeIf(a -> a.push().getPushee().getId().equals(pusheeId));
        return byPushee.releaseAll(pusheeId);
    }

    /**
     * Takes out the pushes due at {@code nowNanos}, or for which {@code alsoDue} holds (their
     * request is about to time out), oldest pushee first and in arrival order per pushee.
     */
    List<Waiter<P>> due(long nowNanos, Predicate<P> alsoDue) {
        return byPushee.due(nowNanos, w -> alsoDue.test(w.pending()));
    }

    /** {@code w} was answered after its wait: its edge counts until {@code untilNanos} (see {@link #ANSWERED_EDGE_NANOS}). */
    void answeredAfterWait(Waiter<P> w, long untilNanos) {
        if (answered.size() >= MAX_WAITERS) answered.remove(answered.keySet().iterator().next());
        answered.put(edge(w.push()), new AnsweredPush(w.push(), untilNanos));
    }

    /** Takes out everything (the lease moved, or the range went away). */
    List<Waiter<P>> drain() {
        answered.clear();
        return byPushee.drain();
    }

    /**
     * The waits-for edges into {@code txnId} that this queue knows at {@code nowNanos}: its
     * waiting pushes and those answered lately (see {@link Deadlocks#edgesInto}).
     */
    List<TxnWaitsFor> edgesInto(ByteString txnId, long nowNanos) {
        answered.values().removeIf(a -> a.untilNanos() - nowNanos <= 0);
        List<TxnPush> pushes = new ArrayList<>(byPushee.size() + answered.size());
        byPushee.forEachWaiter(w -> pushes.add(w.push()));
        for (AnsweredPush a : answered.values()) pushes.add(a.push());
        return Deadlocks.edgesInto(txnId, pushes);
    }

    boolean isEmpty() {
        return byPushee.isEmpty();
    }

    int size() {
        return byPushee.size();
    }
}
