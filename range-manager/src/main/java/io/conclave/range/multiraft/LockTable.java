package io.conclave.range.multiraft;

import io.conclave.range.Keys;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.util.List;
import java.util.function.Predicate;

/**
 * The per-key wait queues of one range on its leaseholder: prepares (and one-phase commits) that
 * met another transaction's intent wait at the key, first come first served, for the intent to
 * be resolved, instead of failing at once. Pure: time comes in as arguments.
 *
 * <p>The table knows only the intents requests ran into (as CockroachDB's lock table learns of
 * intents it discovers); it is memory of the leaseholder and starts empty after a lease change.
 * When a command resolves an intent, only the key's first waiter is evaluated again
 * ({@link #releaseHead}); if it leaves its own intent, the others wait for that one, and if it
 * does not (it committed in one phase, or failed), the next one goes. A waiter leaves with the
 * WRITE_INTENT answer it would have had once its wait is over ({@link #WAIT_NANOS}) or the lease
 * moved ({@link #drain}), and its coordinator falls back to a push, which waits in the txn wait
 * queue and detects deadlocks: the key queue is only the fast path for a holder that finishes
 * soon. The queueing itself is a {@link KeyedWaitQueue} in key order.
 *
 * @param <P> how the scheduler answers a waiter
 */
final class LockTable<P> {
    /** Waiting requests per range; beyond it a conflict is answered at once. */
    static final int MAX_WAITERS = 10_000;
    /**
     * How long a request waits at a key before it is answered and its coordinator pushes: about
     * the time a committing holder takes to resolve (its commit and one resolve round).
     */
    static final long WAIT_NANOS = 50_000_000L;

    /** One parked request and the conflict it is answered with if it waited its time. */
    record Waiter<P>(KvRequest request, P pending, RangeReply conflict, long dueAtNanos)
            implements KeyedWaitQueue.Waiter {}

    private final KeyedWaitQueue<byte[], Waiter<P>> byKey = KeyedWaitQueue.inKeyOrder(Keys::compare, MAX_WAITERS);

    /** Parks {@code w} at {@code key}: last, or first if it was that key's head and met a new intent. False if full. */
    boolean park(byte[] key, Waiter<P> w, boolean first) {
        return byKey.park(key.clone(), w, first);
    }

    /** Takes out the first waiter at {@code key}, or null. */
    Waiter<P> releaseHead(byte[] key) {
        return byKey.releaseHead(key);
    }

    /** Takes out the waiters due at {@code nowNanos} or for which {@code alsoDue} holds, in key order, then arrival order. */
    List<Waiter<P>> due(long nowNanos, Predicate<P> alsoDue) {
        return byKey.due(nowNanos, w -> alsoDue.test(w.pending()));
    }

    /** Takes out everything (the lease moved, or the range went away). */
    List<Waiter<P>> drain() {
        return byKey.drain();
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    int size() {
        return byKey.size();
    }
}
