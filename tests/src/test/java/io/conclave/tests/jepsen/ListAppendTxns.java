package io.conclave.tests.jepsen;

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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elle's list-append transactions over a fixed set of keys, for the nemesis workload and the
 * transaction process tests alike: each transaction runs one to {@link #MAX_MICRO_OPS} reads of a
 * key's list or appends of a unique element to it (a read-modify-write of a comma-separated list,
 * inside the transaction), recorded in a history for {@link ListAppendChecker}. Elements are
 * unique across all workers, which is what lets the checker infer the order of writes.
 */
public final class ListAppendTxns {
    public static final int MAX_MICRO_OPS = 4;

    private final List<byte[]> keys;
    private final AtomicLong nextElement = new AtomicLong(1);
    private final OpCounts counts = new OpCounts();

    public ListAppendTxns(List<byte[]> keys) {
        if (keys.isEmpty()) throw new IllegalArgumentException("list-append needs at least one key");
        this.keys = List.copyOf(keys);
    }

    List<byte[]> keys() {
        return keys;
    }

    public OpCounts counts() {
        return counts;
    }

    /**
     * Worker {@code worker}'s loop: transactions until {@code endNanos} or {@code maxTxns}. A
     * transaction that failed with a retry error is recorded as failed, any other failure as
     * unknown, and its process then retired (the next is {@code workers} further), as Jepsen does.
     */
    public void work(int worker, int workers, TxnClient client, HistoryRecorder recorder, SplittableRandom random,
            long endNanos, int maxTxns) {
        int process = worker;
        for (int i = 0; i < maxTxns && System.nanoTime() < endNanos; i++) {
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
                counts.ok();
            } catch (RuntimeException e) {
                if (Outcomes.recordTxn(recorder, h, e)) {
                    counts.unknown();
                    process += workers;
                } else {
                    counts.failed();
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
}
