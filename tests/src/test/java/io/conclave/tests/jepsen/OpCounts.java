package io.conclave.tests.jepsen;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a workload's operations ended, for its summary line: acknowledged (ok), certainly without
 * effect (failed), or unknown. Shared by the workers of one run, so the counts are atomic.
 */
public final class OpCounts {
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unknown = new AtomicInteger();

    public void ok() {
        ok.incrementAndGet();
    }

    public void failed() {
        failed.incrementAndGet();
    }

    public void unknown() {
        unknown.incrementAndGet();
    }

    public int okCount() {
        return ok.get();
    }

    @Override
    public String toString() {
        return "ok=" + ok + " failed=" + failed + " unknown=" + unknown;
    }
}
