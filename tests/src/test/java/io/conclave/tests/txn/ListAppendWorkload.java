package io.conclave.tests.txn;

import static io.conclave.tests.txn.TxnTests.text;
import static io.conclave.tests.txn.TxnTests.utf8;

import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.ListAppendChecker;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elle's list-append workload over transactions: each transaction runs one to
 * {@link #MAX_MICRO_OPS} micro-operations, each a read of a key's list or an append of a unique
 * element to it (a read-modify-write of a comma-separated list, inside the transaction), and is
 * recorded in one history for {@link ListAppendChecker}. A transaction that failed with a
 * retryable error is recorded as failed; any other failure as unknown, and its process retired.
 */
final class ListAppendWorkload {
    static final int MAX_MICRO_OPS = 4;

    private final List<byte[]> keys;
    private final HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
    private final AtomicLong nextElement = new AtomicLong(1);
    private final int workers;
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger unknown = new AtomicInteger();

    ListAppendWorkload(List<byte[]> keys, int workers) {
        this.keys = List.copyOf(keys);
        this.workers = workers;
    }

    /** Worker {@code worker}'s loop: transactions until {@code endNanos} or {@code maxTxns}. */
    void work(int worker, TxnClient client, SplittableRandom random, long endNanos, int maxTxns) {
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
                ok.incrementAndGet();
            } catch (RuntimeException e) {
                if (TxnTests.outcomeOf(e) == TxnTests.Outcome.NOT_COMMITTED) {
                    recorder.fail(h, e);
                    failed.incrementAndGet();
                } else {
                    recorder.info(h, e);
                    unknown.incrementAndGet();
                    process += workers; // a process with an unknown outcome is retired, as Jepsen does
                }
            }
        }
    }

    /** Checks the history (real-time edges included); writes it to target/ if it is not valid. */
    ListAppendChecker.Result check(String name, long seed) throws IOException {
        History history = recorder.history();
        ListAppendChecker.Result result = ListAppendChecker.check(history, ListAppendChecker.Options.strictSerializable());
        if (!result.isValid()) {
            Path file = Path.of("target", name + "-history-" + seed + ".txt");
            Files.createDirectories(file.getParent());
            history.write(file);
            System.out.println("[" + name + "] history written to " + file.toAbsolutePath());
        }
        return result;
    }

    String counts() {
        return "ok=" + ok + " failed=" + failed + " unknown=" + unknown;
    }

    /** Runs the micro-ops in {@code txn}; returns, per micro-op, the list read (null for an append). */
    private List<List<Long>> runMicroOps(Txn txn, List<Object[]> ops) {
        List<List<Long>> reads = new ArrayList<>();
        for (Object[] op : ops) {
            byte[] key = keys.get((Integer) op[1]);
            List<Long> list = parseList(txn.get(key));
            if (op[0].equals("append")) {
                String old = list.isEmpty() ? "" : joined(list) + ",";
                txn.put(key, utf8(old + op[2]));
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
        for (String s : text(value.get()).split(",")) out.add(Long.parseLong(s));
        return out;
    }

    private static String joined(List<Long> list) {
        StringBuilder sb = new StringBuilder();
        for (Long e : list) {
            if (sb.length() > 0) sb.append(',');
            sb.append(e);
        }
        return sb.toString();
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
