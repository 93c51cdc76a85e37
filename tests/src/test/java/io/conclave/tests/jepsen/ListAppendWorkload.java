package io.conclave.tests.jepsen;

import io.conclave.tests.check.History;
import io.conclave.tests.check.ListAppendChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Elle's list-append through the transaction client ({@link ListAppendTxns}), over {@link #KEYS}
 * keys spread over the ranges. With commit-wait on, the history must have no G0, G1a, G1b, G1c,
 * G-single or G2 cycle, real-time edges included ({@link ListAppendChecker}, strict
 * serializability).
 */
final class ListAppendWorkload implements Workload {
    static final int KEYS = 8;
    static final int MAX_TXNS_PER_WORKER = 5_000;

    private RunContext context;
    private ListAppendTxns txns;

    @Override
    public String name() {
        return "list-append";
    }

    @Override
    public void setUp(RunContext context) {
        this.context = context;
        var ranges = context.initialRanges();
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) keys.add(KvKeys.keyIn(ranges.get(k % ranges.size()), "/append/k" + k));
        txns = new ListAppendTxns(keys);
    }

    @Override
    public void work(int worker, long endNanos) {
        SplittableRandom random = new SplittableRandom(context.seed() * 13 + worker);
        txns.work(worker, context.workers(), context.txn(worker), context.recorder(), random, endNanos,
                MAX_TXNS_PER_WORKER);
    }

    @Override
    public void finish(long deadlineNanos) {
        // Every read in the history is checked; no final read is needed.
    }

    @Override
    public Verdict check(History history) {
        ListAppendChecker.Result r = ListAppendChecker.check(history, ListAppendChecker.Options.strictSerializable());
        return Verdict.of(r.isValid() && txns.counts().okCount() > 0, (r.isValid() ? "VALID" : "INVALID " + r.counts())
                + ": " + r.txnsChecked() + " txns checked", r.toString());
    }

    @Override
    public String split(SplittableRandom random) {
        return KvKeys.split(context.admin(), txns.keys(), random);
    }

    @Override
    public String counts() {
        return txns.counts().toString();
    }
}
