package io.conclave.raft;

/**
 * The flow-control window towards one follower in replicate state: the last index of each APPEND
 * sent and not yet acknowledged, oldest first, in a fixed ring of {@code capacity} slots. When
 * it is full the leader sends no more entries until an acknowledgement frees slots, so a slow
 * follower bounds the leader's outstanding messages (and memory) at {@code maxInflightMsgs}.
 */
final class Inflights {
    private final int capacity;
    /** Allocated on first use: every replica tracks every peer, but only leaders send. */
    private long[] lastIndexes;
    private int start;
    private int count;

    Inflights(int capacity) {
        Invariants.check(capacity > 0, "inflight capacity must be positive, was %d", capacity);
        this.capacity = capacity;
    }

    void add(long lastIndex) {
        Invariants.check(!full(), "inflights full (%d), cannot add %d", count, lastIndex);
        if (lastIndexes == null) lastIndexes = new long[capacity];
        if (count > 0) {
            long newest = lastIndexes[(start + count - 1) % lastIndexes.length];
            Invariants.check(lastIndex > newest, "inflight %d not above newest %d", lastIndex, newest);
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Frees every message whose last index is at or below {@code index} (they were acknowledged). */
    void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
        if (count == 0) start = 0;
    }

    boolean full() {
        return count == capacity;
    }

    int count() {
        return count;
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
