package io.conclave.raft;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pending ReadIndex requests at a leader (etcd's ReadOnlySafe). Each request records the commit
 * index when it arrived and is answered once a quorum acknowledged a heartbeat carrying its
 * context, which proves that no newer leader had been elected at that moment. Requests are
 * answered in arrival order: a quorum acknowledging a later request also confirms all earlier
 * ones. The queue is bounded; beyond {@link #MAX_PENDING} a new request is dropped (the caller
 * retries, as it must on any lost message).
 */
final class ReadOnly {
    static final int MAX_PENDING = 4096;

    record Status(Message request, long index, Set<Long> acks) {}

    private final Map<ByteBuffer, Status> pending = new HashMap<>();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

    /** Returns false if the request was dropped (duplicate context or queue full). */
    boolean addRequest(long index, Message request) {
        ByteBuffer key = ByteBuffer.wrap(request.context());
        if (pending.containsKey(key) || queue.size() >= MAX_PENDING) return false;
        pending.put(key, new Status(request, index, new HashSet<>()));
        queue.addLast(key);
        return true;
    }

    /** Records an acknowledgement; returns the acks so far, or null if the context is unknown. */
    Map<Long, Boolean> recvAck(long id, byte[] context) {
        Status s = pending.get(ByteBuffer.wrap(context));
        if (s == null) return null;
        s.acks.add(id);
        Map<Long, Boolean> ballots = new HashMap<>();
        for (long a : s.acks) ballots.put(a, true);
        return ballots;
    }

    /** Removes and returns every request up to and including the one with {@code context}. */
    List<Status> advance(byte[] context) {
        ByteBuffer key = ByteBuffer.wrap(context);
        if (!pending.containsKey(key)) return List.of();
        List<Status> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            ByteBuffer k = queue.pollFirst();
            out.add(pending.remove(k));
            if (k.equals(key)) break;
        }
        return out;
    }

    byte[] lastPendingContext() {
        ByteBuffer last = queue.peekLast();
        return last == null ? null : last.array();
    }

    int size() {
        return queue.size();
    }
}
