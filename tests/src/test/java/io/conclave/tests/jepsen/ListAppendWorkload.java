package io.conclave.tests.jepsen;

import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.ListAppendChecker;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elle's list-append through the transaction client: each transaction runs one to
 * {@link #MAX_MICRO_OPS} reads of a key's list or appends of a unique element to it (a
 * read-modify-write of a comma-separated list), over {@link #KEYS} keys spread over the ranges.
 * With commit-wait on, the history must have no G0, G1a, G1b, G1c, G-single or G2 cycle, real-time
 * edges included ({@link ListAppendChecker}, strict serializability).
 */
final class ListAppendWorkload implements Workload {
    static final int KEYS = 8;
    static final int MAX_MICRO_OPS = 4;
    static final int MAX_TXNS_PER_WORKER = 5_000;

    private RunContext context;
    private final List<byte[]> keys = new ArrayList<>();
    private final AtomicLong nextElement = new AtomicLong(1);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unknown = new AtomicInteger();

    @Override
    public String name() {
        return "list-append";
    }

    @Override
    public void setUp(RunContext context) {
        this.context = context;
        var ranges = context.initialRanges();
        for (int k = 0; k < KEYS; k++) keys.add(KvKeys.keyIn(ranges.get(k % ranges.size()), "/append/k" + k));
    }

    @Override
    public void work(int worker, long endNanos) {
        HistoryRecorder recorder = context.recorder();
        SplittableRandom random = new SplittableRandom(context.seed() * 13 + worker);
        TxnClient client = context.txn(worker);
        int process = worker;
        for (int i = 0; i < MAX_TXNS_PER_WORKER && System.nanoTime() < endNanos; i++) {
            List<Object[]> ops = new ArrayList<>();
            int n = random.nextInt(1, MAX_MICRO_OPS + 1);
            for (int j = 0; j < n; j++) {
                int k = random.nextInt(keys.size());
                ops.add(random.nextBoolean() ? new Object[] {"append", k, nextElement.getAndIncrement()}
                        : new Object[] {"r", k, null});
            }
            HistoryRecorder.Handle h = recorder.invoke(process, "txn", microOps(ops, null));
            try {
                List<List<Long>> reads = client.run(txn -> runMicroOps(txn, ops));
                recorder.ok(h, microOps(ops, reads));
                ok.incrementAndGet();
            } catch (RuntimeException e) {
                if (Outcomes.recordTxn(recorder, h, e)) {
                    unknown.incrementAndGet();
                    process += context.workers();
                } else {
                    failed.incrementAndGet();
                }
            }
        }
    }

    /** Runs the micro-ops in {@code txn}; returns, per micro-op, the list read (null for an append). */
    private List<List<Long>> runMicroOps(Txn txn, List<Object[]> ops) {
        List<List<Long>> reads = new ArrayList<>();
        for (Object[] op : ops) {
            byte[] key = keys.get((Integer) op[1]);
            List<Long> list = parseList(txn.get(key));
            if (op[0].equals("append")) {
                StringBuilder next = new StringBuilder();
                for (Long e : list) next.append(e).append(',');
                next.append(op[2]);
                txn.put(key, next.toString().getBytes(StandardCharsets.UTF_8));
                reads.add(null);
            } else {
                reads.add(list);
            }
        }
        return reads;
    }

    private static List<Long> parseList(Optional<byte[]> value) {
        List<Long> out = new ArrayList<>();
        if (value.isEmpty() || value.get().length == 0) return out;
        for (String s : new String(value.get(), StandardCharsets.UTF_8).split(",")) out.add(Long.parseLong(s));
        return out;
    }

    /** The history value: {@code [append k v]} / {@code [r k list-or-nil]} per micro-op. */
    private static List<Object> microOps(List<Object[]> ops, List<List<Long>> reads) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Object[] op = ops.get(i);
            String key = "k" + op[1];
            if (op[0].equals("append")) out.add(List.of("append", key, op[2]));
            else out.add(Arrays.asList("r", key, reads == null ? null : reads.get(i)));
        }
        return out;
    }

    @Override
    public void finish(long deadlineNanos) {
        // Every read in the history is checked; no final read is needed.
    }

    @Override
    public Verdict check(History history) {
        ListAppendChecker.Result r = ListAppendChecker.check(history, ListAppendChecker.Options.strictSerializable());
        return Verdict.of(r.isValid() && ok.get() > 0, (r.isValid() ? "VALID" : "INVALID " + r.counts()) + ": "
                + r.txnsChecked() + " txns checked", r.toString());
    }

    @Override
    public String split(SplittableRandom random) {
        return KvKeys.split(context.admin(), keys, random);
    }

    @Override
    public String counts() {
        return "ok=" + ok + " failed=" + failed + " unknown=" + unknown;
    }
}
