package io.conclave.range.multiraft;

/**
 * Holds a node's durable writes while closed: the writer thread waits before committing, as if
 * the fsync took that long. Counts the writes that reached it, so a test knows one is held.
 */
final class WriteGate implements BatchWriter.BeforeWrite {
    private boolean holding;
    private long arrived;

    synchronized void hold() {
        holding = true;
    }

    synchronized void release() {
        holding = false;
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
