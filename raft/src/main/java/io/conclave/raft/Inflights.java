package io.conclave.raft;

/**
 * The flow-control window towards one follower in replicate state: the last index and the entry
 * bytes of each APPEND sent and not yet acknowledged, oldest first, in a fixed ring of
 * {@code capacity} slots. It is full at {@code capacity} messages or once the bytes reach
 * {@code maxBytes} (one message may cross it, so that an entry larger than the bound still goes);
 * full, the leader sends no more entries until an acknowledgement frees room. So a slow follower
 * bounds what the leader has outstanding towards it, in messages and in memory: a follower far
 * behind is fed {@code maxBytes} at a time, not its whole backlog at once.
 */
final class Inflights {
    private final int capacity;
    private final long maxBytes;
    /** Allocated on first use: every replica tracks every peer, but only leaders send. */
    private long[] lastIndexes;
    private long[] sizes;
    private int start;
    private int count;
    private long bytes;

    Inflights(int capacity, long maxBytes) {
        Invariants.check(capacity > 0, "inflight capacity must be positive, was %d", capacity);
        Invariants.check(maxBytes > 0, "inflight byte bound must be positive, was %d", maxBytes);
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    void add(long lastIndex, long entryBytes) {
        Invariants.check(!full(), "inflights full (%d), cannot add %d", count, lastIndex);
        if (lastIndexes == null) {
            lastIndexes = new long[capacity];
            sizes = new long[capacity];
        }
        if (count > 0) {
            long newest = lastIndexes[(start + count - 1) % lastIndexes.length];
            Invariants.check(lastIndex > newest, "inflight %d not above newest %d", lastIndex, newest);
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        sizes[(start + count) % lastIndexes.length] = entryBytes;
        count++;
        bytes += entryBytes;
    }

    /** Frees every message whose last index is at or below {@code index} (they were acknowledged). */
    void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
        if (count == 0) start = 0;
    }

    boolean full() {
        return count == capacity || bytes >= maxBytes;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
