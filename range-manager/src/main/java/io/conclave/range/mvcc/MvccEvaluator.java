package io.conclave.range.mvcc;

import io.conclave.range.rpc.KvRequest;

/**
 * Evaluates every user-key request of KvRequest against a reader and writer. See the package
 * documentation for the semantics. Stateless apart from its settings; thread-safe.
 */
public final class MvccEvaluator {
    /** A PENDING transaction record not heartbeated for this long may be aborted by any pusher. */
    public static final long TXN_EXPIRATION_NANOS = 5_000_000_000L;

    private final int maxScanRows;

    /** @param maxScanRows most user keys a read examines per request (it answers a resume key past that) */
    public MvccEvaluator(int maxScanRows) {
        if (maxScanRows < 1) throw new IllegalArgumentException("maxScanRows must be >= 1, got " + maxScanRows);
        this.maxScanRows = maxScanRows;
    }

    /**
     * Evaluates {@code req} (an op on user keys) in the range whose user-key span is
     * [rangeStart, rangeEnd). Deterministic: the same request, reader state and context give the
     * same writes and reply.
     */
    public Evaluation evaluate(KvRequest req, byte[] rangeStart, byte[] rangeEnd, MvccReader reader,
            MvccWriter writer, EvalContext ctx) {
        throw new UnsupportedOperationException("MVCC evaluation of " + req.getOpCase() + " is not built yet");
    }

    /** Reads served by the leaseholder without Raft (unless a latch sends them through the log). */
    public static boolean isRead(KvRequest req) {
        return switch (req.getOpCase()) {
            case GET, SCAN, TXN_GET, TXN_SCAN, TXN_REFRESH -> true;
            default -> false;
        };
    }
}
