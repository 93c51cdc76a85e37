package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;

/**
 * Evaluates every user-key request of KvRequest against a reader and writer. See the package
 * documentation for the semantics. Stateless apart from its settings; thread-safe.
 */
public final class MvccEvaluator {
    /** A PENDING transaction record not heartbeated for this long may be aborted by any pusher. */
    public static final long TXN_EXPIRATION_NANOS = 5_000_000_000L;

    private final int maxScanRows;
    private final ScanFilters filters;

    /** @param maxScanRows most user keys a read examines per request (it answers a resume key past that) */
    public MvccEvaluator(int maxScanRows) {
        this(maxScanRows, ScanFilters.NONE);
    }

    /** @param filters the scan filters {@code txn_scan} may name */
    public MvccEvaluator(int maxScanRows, ScanFilters filters) {
        if (maxScanRows < 1) throw new IllegalArgumentException("maxScanRows must be >= 1, got " + maxScanRows);
        if (filters == null) throw new IllegalArgumentException("filters must be set (ScanFilters.NONE for none)");
        this.maxScanRows = maxScanRows;
        this.filters = filters;
    }

    /**
     * Evaluates {@code req} (an op on user keys) in the range whose user-key span is
     * [rangeStart, rangeEnd). Deterministic: the same request, reader state and context give the
     * same writes and reply. An error reply (WRITE_INTENT, TXN_RETRY, BAD_REQUEST for a key outside
     * the range or a malformed request, ...) means nothing was written. Corrupt stored data
     * (an intent, record or version that does not parse) throws IllegalStateException: a bug or
     * a broken store, never a caller's mistake.
     */
    public Evaluation evaluate(KvRequest req, byte[] rangeStart, byte[] rangeEnd, MvccReader reader,
            MvccWriter writer, EvalContext ctx) {
        Eval ev = new Eval(req, rangeStart, rangeEnd, reader, writer, ctx, maxScanRows);
        try {
            return dispatch(ev, req);
        } catch (Eval.Refusal refusal) {
            return ev.failed(refusal.error);
        }
    }

    private Evaluation dispatch(Eval ev, KvRequest req) {
        Timestamp now = ev.ctx.now();
        return switch (req.getOpCase()) {
            case GET -> Reads.get(ev, req.getGet().getKey(), Reads.View.nonTxn(now), "get");
            case SCAN -> Reads.scan(ev, req.getScan().getStartKey(), req.getScan().getEndKey(), req.getScan().getLimit(),
                    Reads.View.nonTxn(now), "scan");
            case PUT -> Writes.put(ev, req.getPut().getKey(), req.getPut().getValue().toByteArray(), "put");
            case DELETE -> Writes.put(ev, req.getDelete().getKey(), null, "delete");
            case CONDITIONAL_PUT -> Writes.conditionalPut(ev, req.getConditionalPut());
            case INCREMENT -> Writes.increment(ev, req.getIncrement().getKey(), req.getIncrement().getDelta());
            case DELETE_RANGE -> Writes.deleteRange(ev, req.getDeleteRange());
            case TXN_GET -> Reads.get(ev, req.getTxnGet().getKey(), Reads.View.of(ev, req.getTxnGet().getRead()), "transactional get");
            case TXN_SCAN -> Reads.scan(ev, req.getTxnScan().getStartKey(), req.getTxnScan().getEndKey(),
                    req.getTxnScan().getLimit(), Reads.View.of(ev, req.getTxnScan().getRead()),
                    "transactional scan", filterOf(ev, req.getTxnScan()));
            case TXN_REFRESH -> Reads.refresh(ev, req.getTxnRefresh());
            case TXN_PREPARE -> TxnOps.prepare(ev, req.getTxnPrepare());
            case TXN_HEARTBEAT -> TxnOps.heartbeat(ev, req.getTxnHeartbeat().getTxn());
            case TXN_END -> TxnOps.end(ev, req.getTxnEnd());
            case TXN_PUSH -> TxnOps.push(ev, req.getTxnPush());
            case TXN_RESOLVE -> TxnOps.resolve(ev, req.getTxnResolve());
            case MVCC_GC -> Gc.gc(ev, req.getMvccGc());
            case TXN_QUERY -> TxnOps.query(ev, req.getTxnQuery());
            case META_UPDATE, META_UPDATES, OP_NOT_SET -> throw ev.refuse(ErrorResponse.Code.BAD_REQUEST,
                    "the MVCC engine does not serve " + req.getOpCase() + " (meta and system keys are single-version)");
        };
    }

    /** The compiled filter of a scan, or null for none. */
    private ScanFilter filterOf(Eval ev, io.conclave.range.rpc.TxnScan scan) {
        if (scan.getFilterKind().isEmpty()) return null;
        ScanFilter.Factory factory = filters.get(scan.getFilterKind());
        if (factory == null) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, "this node has no scan filter of kind \""
                    + scan.getFilterKind() + "\" (it has " + filters + ")");
        }
        try {
            return factory.compile(scan.getFilter().toByteArray());
        } catch (RuntimeException e) {
            // A filter is the upper layer's code run on the scheduler thread: whatever it throws
            // is that request's failure, never the node's.
            throw ev.refuse(ErrorResponse.Code.FILTER_FAILED, "scan filter " + scan.getFilterKind()
                    + " could not be built: " + Reads.describe(e));
        }
    }

    /**
     * The timestamp of the newest write of {@code userKey} in {@code reader}: its intent's (any
     * transaction's) or its newest committed version's, whichever is higher; MIN if neither. A
     * claiming read claims nothing at or above it.
     */
    public static Timestamp newestWrite(MvccReader reader, byte[] userKey) {
        KeyState s = KeyReads.read(reader, userKey, Timestamp.MAX);
        Timestamp newest = s.version() == null ? Timestamp.MIN : s.version().ts();
        return s.intent() == null ? newest : Timestamp.max(newest, s.intentTs());
    }

    /** Reads served by the leaseholder without Raft (unless a latch sends them through the log). */
    public static boolean isRead(KvRequest req) {
        return switch (req.getOpCase()) {
            case GET, SCAN, TXN_GET, TXN_SCAN, TXN_REFRESH, TXN_QUERY -> true;
            default -> false;
        };
    }
}
