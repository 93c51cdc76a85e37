package io.conclave.range.mvcc;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnWaitsFor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Distributed deadlock detection over waits-for edges, as pure functions (CockroachDB's txn wait
 * queue "dependents", with the edges kept so that a cycle is known exactly).
 *
 * <p>Each waiting push is an edge pusher → pushee, held by the wait queue of the leaseholder of
 * the pushee's record. That queue knows every edge into the pushee, and the edges its pushers
 * reported into themselves: {@link #edgesInto}. A pusher that waited asks its own record's
 * range for the edges into itself (txn_query) and pushes again carrying them; the pushee's queue
 * then looks for a path from the pushee back to the pusher ({@link #cycle}). Each round moves the
 * knowledge one hop along every edge, so a cycle of n transactions is seen within about n rounds
 * by the queue of each of its members.
 *
 * <p>Every queue that sees the cycle computes the same {@link #victim}: the member with the lowest
 * priority, then the youngest (latest min_ts), then the greatest id. Only the queue whose pushee
 * is the victim aborts it, so exactly one transaction of a cycle is aborted, whichever queues see
 * it first. Hazard: the edges a push carries are bounded ({@link #MAX_EDGES}); in a larger waits-for
 * graph a cycle may go unseen, and then only the waiters' deadlines break it.
 */
public final class Deadlocks {
    /** Most edges a push or a query answer carries: enough for any cycle a workload of hundreds of writers forms. */
    public static final int MAX_EDGES = 64;

    private Deadlocks() {}

    /**
     * Every edge that leads to {@code txnId} through the waiting pushes of one queue: each push
     * into it (or into one of its waiters, transitively) and the edges that push carried.
     * Bounded by {@link #MAX_EDGES}, nearest edges first.
     */
    public static List<TxnWaitsFor> edgesInto(ByteString txnId, Collection<TxnPush> waiting) {
        Map<List<ByteString>, TxnWaitsFor> out = new LinkedHashMap<>();
        ArrayDeque<ByteString> frontier = new ArrayDeque<>(List.of(txnId));
        Set<ByteString> seen = new HashSet<>(frontier);
        while (!frontier.isEmpty() && out.size() < MAX_EDGES) {
            ByteString target = frontier.poll();
            for (TxnPush p : waiting) {
                if (!p.getPushee().getId().equals(target) || !p.hasPusher() || p.getPusher().getId().isEmpty()) continue;
                add(out, TxnWaitsFor.newBuilder().setWaiter(p.getPusher()).setWaiteeId(target).build());
                for (TxnWaitsFor e : p.getWaitsForList()) add(out, e);
                if (seen.add(p.getPusher().getId())) frontier.add(p.getPusher().getId());
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<List<ByteString>, TxnWaitsFor> out, TxnWaitsFor e) {
        if (out.size() < MAX_EDGES) out.putIfAbsent(List.of(e.getWaiter().getId(), e.getWaiteeId()), e);
    }

    /**
     * The members of the cycle that the edge {@code pusher → pushee} closes through {@code edges}
     * (a path from the pushee back to the pusher), pushee first; empty if it closes none. A
     * shortest such path, so the answer does not depend on the order of the edges.
     */
    public static List<TxnMeta> cycle(TxnMeta pusher, TxnMeta pushee, List<TxnWaitsFor> edges) {
        if (pusher.getId().isEmpty() || pusher.getId().equals(pushee.getId())) return List.of();
        Map<ByteString, List<TxnWaitsFor>> from = new HashMap<>();
        for (TxnWaitsFor e : edges) from.computeIfAbsent(e.getWaiter().getId(), k -> new ArrayList<>()).add(e);
        Map<ByteString, TxnWaitsFor> reachedBy = new HashMap<>();
        ArrayDeque<ByteString> frontier = new ArrayDeque<>(List.of(pushee.getId()));
        Set<ByteString> seen = new HashSet<>(frontier);
        while (!frontier.isEmpty()) {
            ByteString at = frontier.poll();
            if (at.equals(pusher.getId())) {
                List<TxnMeta> path = new ArrayList<>();
                for (ByteString n = at; !n.equals(pushee.getId()); ) {
                    TxnWaitsFor e = reachedBy.get(n);
                    n = e.getWaiter().getId();
                    if (!n.equals(pushee.getId())) path.add(0, e.getWaiter());
                }
                path.add(0, pushee);
                path.add(pusher);
                return path;
            }
            for (TxnWaitsFor e : from.getOrDefault(at, List.of())) {
                if (seen.add(e.getWaiteeId())) {
                    reachedBy.put(e.getWaiteeId(), e);
                    frontier.add(e.getWaiteeId());
                }
            }
        }
        return List.of();
    }

    /** The member a deadlock aborts: the lowest priority, then the youngest, then the greatest id. */
    public static TxnMeta victim(List<TxnMeta> cycle) {
        if (cycle.isEmpty()) throw new IllegalArgumentException("a cycle has members");
        TxnMeta v = cycle.get(0);
        for (TxnMeta m : cycle) if (abortsBefore(m, v)) v = m;
        return v;
    }

    /** Whether {@code a} is aborted rather than {@code b} when they deadlock. */
    static boolean abortsBefore(TxnMeta a, TxnMeta b) {
        int byPriority = Integer.compareUnsigned(a.getPriority(), b.getPriority());
        if (byPriority != 0) return byPriority < 0;
        int byAge = Eval.ts(a.getMinTs()).compareTo(Eval.ts(b.getMinTs()));
        if (byAge != 0) return byAge > 0;
        return ByteString.unsignedLexicographicalComparator().compare(a.getId(), b.getId()) > 0;
    }

    /** The message of a deadlock victim's record, which its coordinator reports. */
    public static final String ABORT_REASON = "aborted by deadlock";
}
