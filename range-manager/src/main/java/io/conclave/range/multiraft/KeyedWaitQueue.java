package io.conclave.range.multiraft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Requests parked under a key on a leaseholder, first come first served per key, each until
 * something happens at its key or its due time: the mechanics shared by the
 * {@link LockTable} (keys of intents) and the {@link TxnWaitQueue} (ids of pushees), which
 * decide what a waiter waits for and how it is answered. Pure: time comes in as arguments.
 *
 * <p>The order of {@link #due} across keys is the map's: key order for the lock table (a
 * {@link #inKeyOrder} queue), the order in which each key got its first waiter for the txn wait
 * queue ({@link #inArrivalOrder}, the oldest pushee first). Within a key it is always arrival
 * order. Every queue is bounded: a waiter beyond {@code maxWaiters} is refused, and its caller
 * answers it at once.
 *
 * @param <K> what waiters wait on; the caller hands in keys it will not change afterwards
 * @param <W> a waiter
 */
final class KeyedWaitQueue<K, W extends KeyedWaitQueue.Waiter> {
    /** What the queue needs of a waiter. */
    interface Waiter {
        /** When it leaves the queue (see {@link #due}) even if nothing happened at its key. */
        long dueAtNanos();
    }

    private final Map<K, ArrayDeque<W>> byKey;
    private final int maxWaiters;
    private int size;

    private KeyedWaitQueue(Map<K, ArrayDeque<W>> byKey, int maxWaiters) {
        Invariants.check(maxWaiters > 0, "a wait queue holds at least one waiter, got %d", maxWaiters);
        this.byKey = byKey;
        this.maxWaiters = maxWaiters;
    }

    /** A queue whose {@link #due} walks the keys in {@code order}. */
    static <K, W extends Waiter> KeyedWaitQueue<K, W> inKeyOrder(Comparator<K> order, int maxWaiters) {
        return new KeyedWaitQueue<>(new TreeMap<>(order), maxWaiters);
    }

    /** A queue whose {@link #due} walks the keys in the order they got their first waiter. */
    static <K, W extends Waiter> KeyedWaitQueue<K, W> inArrivalOrder(int maxWaiters) {
        return new KeyedWaitQueue<>(new LinkedHashMap<>(), maxWaiters);
    }

    /**
     * Parks {@code w} at {@code key}: last, or first ({@code first}: it was the key's head, was
     * evaluated again and must wait again without losing its place). False if the queue is full.
     */
    boolean park(K key, W w, boolean first) {
        if (size >= maxWaiters) return false;
        ArrayDeque<W> q = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (first) q.addFirst(w);
        else q.addLast(w);
        size++;
        return true;
    }

    /** Takes out the first waiter at {@code key}, or null. */
    W releaseHead(K key) {
        ArrayDeque<W> q = byKey.get(key);
        if (q == null) return null;
        W w = q.pollFirst();
        if (q.isEmpty()) byKey.remove(key);
        if (w != null) size--;
        return w;
    }

    /** Takes out every waiter at {@code key}, in the order they came. */
    List<W> releaseAll(K key) {
        ArrayDeque<W> q = byKey.remove(key);
        if (q == null) return List.of();
        size -= q.size();
        return new ArrayList<>(q);
    }

    /**
     * Takes out the waiters due at {@code nowNanos} (their {@link Waiter#dueAtNanos} is not after
     * it, compared as a difference so that a wrapped clock value still orders) or for which
     * {@code alsoDue} holds, key by key in the map's order, then in arrival order; the others keep
     * their places.
     */
    List<W> due(long nowNanos, Predicate<? super W> alsoDue) {
        List<W> out = new ArrayList<>();
        for (Iterator<ArrayDeque<W>> qs = byKey.values().iterator(); qs.hasNext(); ) {
            ArrayDeque<W> q = qs.next();
            for (Iterator<W> it = q.iterator(); it.hasNext(); ) {
                W w = it.next();
                if (w.dueAtNanos() - nowNanos <= 0 || alsoDue.test(w)) {
                    out.add(w);
                    it.remove();
                    size--;
                }
            }
            if (q.isEmpty()) qs.remove();
        }
        return out;
    }

    /** Takes out everything (the lease moved, or the range went away), key by key. */
    List<W> drain() {
        List<W> out = new ArrayList<>(size);
        for (ArrayDeque<W> q : byKey.values()) out.addAll(q);
        byKey.clear();
        size = 0;
        return out;
    }

    /** Shows every waiter, key by key, leaving them in place. */
    void forEachWaiter(Consumer<? super W> action) {
        for (ArrayDeque<W> q : byKey.values()) q.forEach(action);
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }
}
