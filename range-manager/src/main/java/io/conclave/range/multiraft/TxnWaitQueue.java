package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.range.mvcc.Deadlocks;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnWaitsFor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The txn wait queue of one range on its leaseholder: pushes that could not win, parked by the
 * pushee they wait for, first come first served. Pure: time comes in as arguments, and what a
 * waiter's answer is (evaluate the push again, or answer PUSH_FAILED) is the scheduler's.
 *
 * <p>A waiter leaves the queue when the pushee's record changes on this range ({@link #release}:
 * it finished or was pushed), at its due time ({@link #due}: the end of its wait, or the moment
 * the pushee's record expires, whichever comes first), or all at once when the lease moves
 * ({@link #drain}). The queue is in memory only: a new leaseholder starts empty and the pushers
 * it lost push again (their answer was PUSH_FAILED, or the request failed over).
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
    record Waiter<P>(KvRequest request, P pending, long dueAtNanos, boolean reevaluate) {
        TxnPush push() {
            return request.getTxnPush();
        }
    }

    private final Map<ByteString, ArrayDeque<Waiter<P>>> byPushee = new LinkedHashMap<>();
    private int size;
    /** Pushes answered after their wait, by (pusher, pushee), with when their edge stops counting. */
    private final Map<java.util.List<ByteString>, Object[]> answered = new LinkedHashMap<>();

    /** Parks a push; false if the queue is full (answer it at once). */
    boolean park(Waiter<P> w) {
        if (size >= MAX_WAITERS) return false;
        answered.remove(java.util.List.of(w.push().getPusher().getId(), w.push().getPushee().getId()));
        byPushee.computeIfAbsent(w.push().getPushee().getId(), k -> new ArrayDeque<>()).add(w);
        size++;
        return true;
    }

    /** Takes out every push waiting for {@code pusheeId}, in the order they came. */
    List<Waiter<P>> release(ByteString pusheeId) {
        answered.values().removeIf(a -> ((TxnPush) a[0]).getPushee().getId().equals(pusheeId));
        ArrayDeque<Waiter<P>> q = byPushee.remove(pusheeId);
        if (q == null) return List.of();
        size -= q.size();
        return new ArrayList<>(q);
    }

    /**
     * Takes out the pushes due at {@code nowNanos}, or for which {@code alsoDue} holds (their
     * request is about to time out), oldest pushee first and in arrival order per pushee.
     */
    List<Waiter<P>> due(long nowNanos, java.util.function.Predicate<P> alsoDue) {
        List<Waiter<P>> out = new ArrayList<>();
        for (Iterator<ArrayDeque<Waiter<P>>> qs = byPushee.values().iterator(); qs.hasNext(); ) {
            ArrayDeque<Waiter<P>> q = qs.next();
            for (Iterator<Waiter<P>> it = q.iterator(); it.hasNext(); ) {
                Waiter<P> w = it.next();
                if (w.dueAtNanos() - nowNanos <= 0 || alsoDue.test(w.pending())) {
                    out.add(w);
                    it.remove();
                    size--;
                }
            }
            if (q.isEmpty()) qs.remove();
        }
        return out;
    }

    /** {@code w} was answered after its wait: its edge counts until {@code untilNanos} (see {@link #ANSWERED_EDGE_NANOS}). */
    void answeredAfterWait(Waiter<P> w, long untilNanos) {
        if (answered.size() >= MAX_WAITERS) answered.remove(answered.keySet().iterator().next());
        answered.put(java.util.List.of(w.push().getPusher().getId(), w.push().getPushee().getId()),
                new Object[] {w.push(), untilNanos});
    }

    /** Takes out everything (the lease moved, or the range went away). */
    List<Waiter<P>> drain() {
        answered.clear();
        List<Waiter<P>> out = new ArrayList<>();
        for (ArrayDeque<Waiter<P>> q : byPushee.values()) out.addAll(q);
        byPushee.clear();
        size = 0;
        return out;
    }

    /**
     * The waits-for edges into {@code txnId} that this queue knows at {@code nowNanos}: its
     * waiting pushes and those answered lately (see {@link Deadlocks#edgesInto}).
     */
    List<TxnWaitsFor> edgesInto(ByteString txnId, long nowNanos) {
        answered.values().removeIf(a -> (long) a[1] - nowNanos <= 0);
        List<TxnPush> pushes = new ArrayList<>(size + answered.size());
        for (ArrayDeque<Waiter<P>> q : byPushee.values()) for (Waiter<P> w : q) pushes.add(w.push());
        for (Object[] a : answered.values()) pushes.add((TxnPush) a[0]);
        return Deadlocks.edgesInto(txnId, pushes);
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }
}
