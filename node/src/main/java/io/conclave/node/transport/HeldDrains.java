package io.conclave.node.transport;

import java.util.ArrayList;

/**
 * Lets one thread (a node's scheduler) hand a batch of frames to the I/O threads at once.
 *
 * <p>Why: a frame written from outside a channel's event loop is queued and a drain task is
 * started on the loop, which wakes the loop if it sleeps. A scheduler answering a batch of reads
 * one by one would wake the loop for the first answer, the loop would drain it and sleep again,
 * and the next answer would wake it again: on a host with few cores each wake-up is a context
 * switch and microseconds of CPU. While the holder holds, drains its writes would start are
 * noted instead, and started together when it releases: one wake-up per loop carries the batch.
 *
 * <p>Only the holding thread's writes wait, and only until it releases; writers on other threads
 * that find a drain already pending for a connection wait for the same release (a scheduler
 * batch, bounded by its events per cycle). One holder at a time.
 */
final class HeldDrains {
    /** The thread holding now, or null. */
    private volatile Thread holder;
    // Touched only by the holder: connections whose drain waits for the release, each once.
    private final ArrayList<ChannelConnection> held = new ArrayList<>();

    /** The calling thread's writes start no drain until {@link #release}. */
    void hold() {
        Thread current = Thread.currentThread();
        Invariants.check(holder == null || holder == current,
                "writes are already held by %s; only one thread may hold them", holder);
        holder = current;
    }

    /** Starts the drains noted while holding. */
    void release() {
        Invariants.check(holder == Thread.currentThread(), "only the holding thread may release its writes");
        holder = null;
        for (int i = 0; i < held.size(); i++) {
            held.get(i).startDrain();
        }
        held.clear();
    }

    /** True if {@code connection}'s drain is noted for the release (the caller holds); false: start it now. */
    boolean defer(ChannelConnection connection) {
        if (holder != Thread.currentThread()) return false;
        held.add(connection);
        return true;
    }

    /** Connections waiting for the release; for tests. */
    int heldCount() {
        return holder == Thread.currentThread() ? held.size() : 0;
    }
}
