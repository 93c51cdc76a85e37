package io.conclave.range.multiraft;

/**
 * Holds a node's durable writes while closed: the writer thread waits before committing, as if
 * the fsync took that long. Counts the writes that reached it, so a test knows one is held. The
 * LMDB commits that follow durable log writes have a gate of their own ({@link #holdState}).
 */
final class WriteGate implements BatchWriter.BeforeWrite {
    private boolean holding;
    private boolean holdingState;
    private long arrived;
    private long statesArrived;

    synchronized void holdState() {
        holdingState = true;
    }

    synchronized void releaseState() {
        holdingState = false;
        notifyAll();
    }

    /** LMDB commits that reached the gate so far, held or passed. */
    synchronized long statesArrived() {
        return statesArrived;
    }

    @Override
    public synchronized void awaitState() throws InterruptedException {
        statesArrived++;
        while (holdingState) wait();
    }

    synchronized void hold() {
        holding = true;
    }

    synchronized void release() {
        holding = false;
        holdingState = false;
        notifyAll();
    }

    /** Writes that reached the gate so far, held or passed. */
    synchronized long arrived() {
        return arrived;
    }

    @Override
    public synchronized void await() throws InterruptedException {
        arrived++;
        while (holding) wait();
    }
}
