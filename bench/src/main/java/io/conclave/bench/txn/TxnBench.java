package io.conclave.bench.txn;

import io.conclave.bench.ycsb.ZipfianGenerator;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs one phase of the transaction benchmark: {@code threads} workers run transactions of one
 * {@link Scenario} through {@link TxnClient#run} for a warm-up, then for the measured window,
 * recording each committed transaction's latency (begin to acknowledgement, retries included) and
 * the phases its {@link TxnStats} report. Keys are {@code keys} fixed keys spread round-robin over
 * the user ranges, so key {@code i} lives in range {@code i % ranges}.
 */
final class TxnBench {
    /** Latencies above this are clamped (a stuck cluster shows as errors long before). */
    static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(120);
    static final int VALUE_BYTES = 64;
    static final int LOAD_BATCH = 500;
    /** How often a load batch is put again after an unsure answer before the benchmark gives up. */
    static final int LOAD_ATTEMPTS = 5;
    /** Keys are held in memory, and zeta over them costs one {@link Math#pow} each. */
    static final int MAX_KEYS = 10_000_000;

    enum Scenario {
        /** Read one key, write another key of the same range: one range, a one-phase commit. */
        single,
        /** Read two keys of two ranges and write both: a record, two prepares, a commit. */
        two,
        /** As two, but both keys drawn zipfian (theta 0.99) over all keys: contended. */
        zipf
    }

    /** What one phase measured; latencies in microseconds. */
    record PhaseResult(Scenario scenario, boolean commitWait, double seconds, long committed, long retries,
            Map<String, Long> errors, Map<String, String> errorSamples, Histogram total, Histogram reads, Histogram prepare, Histogram commit,
            Histogram commitWaitMicros, long onePhase) {
        double txnPerSecond() {
            return seconds > 0 ? committed / seconds : 0;
        }
    }

    private final List<byte[]> keys;
    private final int rangeCount;
    /** zeta(keys) of the zipfian draws, computed once: each worker has a generator of its own (they are not thread-safe). */
    private final double zetaOfKeys;

    private TxnBench(List<byte[]> keys, int rangeCount) {
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("keys must be in [1, " + MAX_KEYS + "], was " + keys.size());
        }
        this.keys = keys;
        this.rangeCount = rangeCount;
        this.zetaOfKeys = ZipfianGenerator.zeta(keys.size(), ZipfianGenerator.ZIPFIAN_CONSTANT);
    }

    /** Places {@code keyCount} keys round-robin over the user ranges and writes an initial value to each. */
    static TxnBench load(RangeClient client, int keyCount) {
        List<RangeDescriptor> ranges = new ArrayList<>();
        for (RangeDescriptor d : client.allRanges()) {
            if (Arrays.compareUnsigned(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) ranges.add(d);
        }
        ranges.sort(Comparator.comparing(d -> d.getStartKey().toByteArray(), Arrays::compareUnsigned));
        if (ranges.isEmpty()) throw new IllegalStateException("the cluster has no user range");
        List<byte[]> keys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            byte[] start = ranges.get(i % ranges.size()).getStartKey().toByteArray();
            byte[] suffix = ("/txnbench/" + i).getBytes(StandardCharsets.UTF_8);
            byte[] key = Arrays.copyOf(start, start.length + suffix.length);
            System.arraycopy(suffix, 0, key, start.length, suffix.length);
            keys.add(key);
        }
        List<KeyValue> batch = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            batch.add(new KeyValue(keys.get(i), value(i, 0)));
            if (batch.size() == LOAD_BATCH || i == keyCount - 1) {
                putAllAgainIfUnsure(client, batch);
                batch.clear();
            }
        }
        return new TxnBench(keys, ranges.size());
    }

    /**
     * Puts the batch, and puts it again when the answer was lost (AMBIGUOUS_RESULT, TIMEOUT): safe
     * because the loader is the keys' only writer and writes the same values again.
     */
    private static void putAllAgainIfUnsure(RangeClient client, List<KeyValue> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.putAll(batch);
                return;
            } catch (KvException e) {
                boolean unsure = e.code() == ErrorResponse.Code.AMBIGUOUS_RESULT || e.code() == ErrorResponse.Code.TIMEOUT;
                if (!unsure || attempt >= LOAD_ATTEMPTS) throw e;
                System.out.println("load: putting a batch again after: " + e.getMessage());
            }
        }
    }

    int rangeCount() {
        return rangeCount;
    }

    private static byte[] value(long a, long b) {
        byte[] v = new byte[VALUE_BYTES];
        byte[] text = (a + ":" + b).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, v, 0, Math.min(text.length, v.length));
        return v;
    }

    /** Runs one phase on {@code threads} threads; the client's settings decide commit-wait. */
    PhaseResult run(Scenario scenario, boolean commitWait, TxnClient client, int threads, long warmupNanos,
            long durationNanos, long seed) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;
        List<Worker> workers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(scenario, client, new SplittableRandom(seed * 1_000_003 + t), measureFrom, end);
            workers.add(w);
            Thread thread = new Thread(w, "txn-bench-" + scenario + "-" + t);
            running.add(thread);
            thread.start();
        }
        for (Thread t : running) t.join();
        long measuredEnd = Math.max(end, workers.stream().mapToLong(w -> w.lastFinish).max().orElse(end));
        Worker sum = new Worker(scenario, client, new SplittableRandom(0), measureFrom, end);
        for (Worker w : workers) sum.absorb(w);
        return new PhaseResult(scenario, commitWait, (measuredEnd - measureFrom) / 1e9, sum.committed, sum.retries,
                sum.errors, sum.errorSamples, sum.total, sum.reads, sum.prepare, sum.commit, sum.commitWaitHist, sum.onePhase);
    }

    private final class Worker implements Runnable {
        final Scenario scenario;
        final TxnClient client;
        final SplittableRandom random;
        /** Key ranks, 0 the most popular (YCSB's zipfian, theta 0.99). */
        final ZipfianGenerator zipfian = new ZipfianGenerator(0, keys.size() - 1, ZipfianGenerator.ZIPFIAN_CONSTANT,
                zetaOfKeys);
        final long measureFrom;
        final long end;
        final Histogram total = histogram();
        final Histogram reads = histogram();
        final Histogram prepare = histogram();
        final Histogram commit = histogram();
        final Histogram commitWaitHist = histogram();
        final Map<String, Long> errors = new TreeMap<>();
        /** The first message of each kind of error, to say what it was. */
        final Map<String, String> errorSamples = new TreeMap<>();
        long committed;
        long retries;
        long onePhase;
        long lastFinish;
        long sequence;

        Worker(Scenario scenario, TxnClient client, SplittableRandom random, long measureFrom, long end) {
            this.scenario = scenario;
            this.client = client;
            this.random = random;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        @Override
        public void run() {
            while (System.nanoTime() < end) {
                int[] pick = pickKeys();
                long begin = System.nanoTime();
                Txn[] last = new Txn[1];
                int[] attempts = new int[1];
                try {
                    client.run(txn -> {
                        last[0] = txn;
                        attempts[0]++;
                        return body(txn, pick);
                    });
                    long finish = System.nanoTime();
                    if (begin >= measureFrom) record(finish - begin, last[0].stats(), attempts[0] - 1, pick);
                    lastFinish = finish;
                } catch (RuntimeException e) {
                    if (begin >= measureFrom) {
                        String name = e instanceof TxnRetryException r ? "retry:" + r.reason() : e.getClass().getSimpleName();
                        errors.merge(name, 1L, Long::sum);
                        errorSamples.putIfAbsent(name, String.valueOf(e.getMessage()));
                    }
                }
            }
        }

        /** Key indexes: [read..., write...] as the scenario decides. */
        private int[] pickKeys() {
            int n = keys.size();
            switch (scenario) {
                case single -> {
                    int read = random.nextInt(n);
                    int perRange = Math.max(1, n / rangeCount);
                    int write = Math.floorMod(random.nextInt(perRange) * rangeCount + read % rangeCount, n);
                    if (write % rangeCount != read % rangeCount) write = read;
                    return new int[] {read, write};
                }
                case two -> {
                    int a = random.nextInt(n);
                    return new int[] {a, (a + 1) % n};
                }
                default -> {
                    int a = (int) zipfian.nextValue(random);
                    int b = (int) zipfian.nextValue(random);
                    for (int tries = 0; b == a && tries < 10; tries++) b = (int) zipfian.nextValue(random);
                    if (b == a) b = (a + 1) % n;
                    return new int[] {a, b};
                }
            }
        }

        private Boolean body(Txn txn, int[] pick) {
            long seq = ++sequence;
            if (scenario == Scenario.single) {
                txn.get(keys.get(pick[0]));
                txn.put(keys.get(pick[1]), value(pick[1], seq));
            } else {
                txn.get(keys.get(pick[0]));
                txn.get(keys.get(pick[1]));
                txn.put(keys.get(pick[0]), value(pick[0], seq));
                txn.put(keys.get(pick[1]), value(pick[1], seq));
            }
            return Boolean.TRUE;
        }

        private void record(long nanos, TxnStats stats, int restarts, int[] pick) {
            committed++;
            retries += restarts;
            total.recordValue(micros(nanos));
            if (stats != null) {
                reads.recordValue(micros(stats.readNanos()));
                prepare.recordValue(micros(stats.prepareNanos()));
                commit.recordValue(micros(stats.commitNanos()));
                commitWaitHist.recordValue(micros(stats.commitWaitNanos()));
                if (stats.raftWrites() == 1) onePhase++; // 1PC: one Raft write, no record
            }
        }

        void absorb(Worker w) {
            total.add(w.total);
            reads.add(w.reads);
            prepare.add(w.prepare);
            commit.add(w.commit);
            commitWaitHist.add(w.commitWaitHist);
            w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            w.errorSamples.forEach(errorSamples::putIfAbsent);
            committed += w.committed;
            retries += w.retries;
            onePhase += w.onePhase;
        }
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    private static long micros(long nanos) {
        return Math.max(0, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }
}
