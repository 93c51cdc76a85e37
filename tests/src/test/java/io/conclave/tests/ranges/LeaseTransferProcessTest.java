package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.text;
import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.node.launch.NodeProcess;
import io.conclave.range.client.ConditionFailedException;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.LinearizabilityChecker;
import io.conclave.tests.check.RegisterModel;
import io.conclave.tests.jepsen.FaultInjector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A register workload (get, put, conditional put on a few keys of one range) while that range's
 * lease is transferred at random between three node JVMs and its leaseholder is killed with
 * SIGKILL and restarted. The recorded history must be linearizable: no acknowledged write lost,
 * no stale read across a transfer or a crash. Replay a schedule with {@code -Dranges.seed=N}.
 */
final class LeaseTransferProcessTest {
    /** The one user range (no pre-split): every register lives in it, so every fault hits them. */
    static final long HOT_RANGE = 2;
    static final int WORKERS = 4;
    /** Each worker's pace: enough calls to straddle every fault, few enough to check. */
    static final long MIN_MILLIS_PER_OP = 25;
    /** Keys in use at once; every KEY_GENERATION_OPS calls the workers move to fresh keys. */
    static final int KEYS_AT_ONCE = 3;
    /** Keeps each key's sub-history to ~a hundred calls, which the search decides in milliseconds. */
    static final int KEY_GENERATION_OPS = 300;
    static final long FAULT_PHASE_MILLIS = 26_000;
    /** Calls after the last fault, so every fault's effects are read back while healthy. */
    static final long QUIET_MILLIS = 4_000;
    static final int MAX_KILLS = 2;
    /** The first kill comes by then at the latest, so every run has at least one. */
    static final long FORCE_KILL_AFTER_MILLIS = 8_000;
    static final long MIN_MILLIS_BETWEEN_FAULTS = 1_500;
    static final long MAX_MILLIS_BETWEEN_FAULTS = 3_000;
    static final long MIN_DOWN_MILLIS = 500;
    static final long MAX_DOWN_MILLIS = 2_000;
    /** A leaseholder that is not the leader asks for leadership at once; a few election timeouts at most. */
    static final long LEASE_FOLLOWS_LEADER_MILLIS = 10_000;
    static final LinearizabilityChecker.Budget BUDGET = LinearizabilityChecker.Budget.of(5_000_000, Duration.ofSeconds(30));

    private RangeTestCluster cluster;
    private final List<RangeClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(RangeClient::close);
        if (cluster != null) cluster.close();
    }

    /** get, put and conditional put, as the issue asks. */
    @Test
    void registerHistoryStaysLinearizableAcrossLeaseTransfersAndLeaseholderKills(@TempDir Path dir) throws Exception {
        run(dir, true);
    }

    /**
     * get and conditional put only: every write names the value it replaces, so a write applied
     * twice, lost or read stale shows at once, and the history has no blind writes the checker
     * may drop unobserved.
     */
    @Test
    void conditionalPutHistoryStaysLinearizableAcrossLeaseTransfersAndLeaseholderKills(@TempDir Path dir)
            throws Exception {
        run(dir, false);
    }

    private void run(Path dir, boolean blindPuts) throws Exception {
        long seed = RangeTests.seed();
        System.out.println("[lease] blindPuts=" + blindPuts + " seed=" + seed + " (rerun with -Dranges.seed=" + seed + ")");
        cluster = new RangeTestCluster(dir, "lease", 3, 3, List.of("--initial-ranges", "1"));
        cluster.start(1, 2, 3);
        HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
        AtomicLong nextValue = new AtomicLong(1);
        AtomicInteger opCount = new AtomicInteger();
        AtomicInteger oks = new AtomicInteger();
        AtomicInteger infos = new AtomicInteger();
        AtomicReference<Throwable> workerCrash = new AtomicReference<>();
        long start = System.nanoTime();
        long faultsEndNanos = start + TimeUnit.MILLISECONDS.toNanos(FAULT_PHASE_MILLIS);
        long workEndNanos = faultsEndNanos + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);

        // Warm up the range's lease so the first faults hit a serving leaseholder.
        RangeClient nemesisClient = client(seed);
        nemesisClient.put(utf8("warm-up"), utf8("x"));

        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            RangeClient c = client(seed + 1 + w);
            SplittableRandom random = new SplittableRandom(seed * 31 + w);
            int worker = w;
            workers.add(new Thread(() -> {
                try {
                    work(worker, c, random, blindPuts, recorder, nextValue, opCount, oks, infos, start, workEndNanos);
                } catch (Throwable e) {
                    workerCrash.compareAndSet(null, e);
                }
            }, "worker-" + w));
        }
        LeaseNemesis nemesis = new LeaseNemesis(cluster, nemesisClient, new SplittableRandom(seed ^ 0x5eed), start,
                faultsEndNanos);
        Thread nemesisThread = new Thread(nemesis, "nemesis");
        workers.forEach(Thread::start);
        nemesisThread.start();
        nemesisThread.join(FAULT_PHASE_MILLIS + 90_000);
        for (Thread t : workers) t.join(QUIET_MILLIS + 60_000);
        String context = "seed=" + seed + ", blindPuts=" + blindPuts + ", nemesis:\n" + String.join("\n", nemesis.events());
        System.out.println("[lease] " + RangeTests.millisSince(start) + " ms: calls=" + opCount.get() + " ok="
                + oks.get() + " info=" + infos.get() + " transfers=" + nemesis.transfers() + " kills=" + nemesis.kills());
        if (nemesis.failure() != null) fail("nemesis failed; " + context + "\n" + cluster.logTails(30), nemesis.failure());
        if (workerCrash.get() != null) fail("a worker crashed; " + context, workerCrash.get());
        assertTrue(nemesis.kills() >= 1, () -> "no leaseholder was killed; " + context);
        assertTrue(nemesis.transfers() >= 1, () -> "no lease was transferred; " + context);
        assertTrue(oks.get() >= 100, () -> "only " + oks.get() + " calls succeeded; " + context + "\n"
                + cluster.logTails(30));

        // The final reads: every key's last state, read while healthy, pins down every write.
        finalReads(client(seed - 1), recorder, opCount.get());
        String apart = awaitLeaseWithLeadership(nemesisClient);
        if (apart != null) fail("the lease did not follow Raft leadership: " + apart + "; " + context);
        History history = recorder.history();
        long checkStart = System.nanoTime();
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, RegisterModel.casRegister(), BUDGET);
        System.out.println("[lease] checked " + history.calls().size() + " calls in " + RangeTests.millisSince(checkStart)
                + " ms: " + result.verdict() + " (" + result.keysChecked() + " keys, " + result.stepsExplored() + " steps)");
        if (!result.isValid()) {
            Path file = Path.of("target", "lease-history-" + (blindPuts ? "put-" : "cas-") + seed + ".txt");
            Files.createDirectories(file.getParent());
            history.write(file);
            fail(result + "\nhistory written to " + file.toAbsolutePath() + "; " + context);
        }
    }

    private void work(int worker, RangeClient c, SplittableRandom random, boolean blindPuts, HistoryRecorder recorder,
            AtomicLong nextValue,
            AtomicInteger opCount, AtomicInteger oks, AtomicInteger infos, long start, long endNanos)
            throws InterruptedException {
        int process = worker;
        Map<String, Long> lastSeen = new HashMap<>();
        long next = start;
        while (System.nanoTime() < endNanos) {
            next += TimeUnit.MILLISECONDS.toNanos(MIN_MILLIS_PER_OP);
            RangeTests.sleepUntil(next);
            String key = key(opCount.getAndIncrement() / KEY_GENERATION_OPS, random.nextInt(KEYS_AT_ONCE));
            int kind = random.nextInt(10);
            boolean unknown;
            if (kind < 4) {
                unknown = read(process, c, key, recorder, lastSeen);
            } else if (kind < 7 && blindPuts) {
                unknown = write(process, c, key, nextValue.getAndIncrement(), recorder);
            } else {
                unknown = cas(process, c, key, lastSeen.get(key), nextValue.getAndIncrement(), recorder);
            }
            if (unknown) {
                infos.incrementAndGet();
                process += WORKERS; // as Jepsen does: a process with an unknown outcome is retired
            } else {
                oks.incrementAndGet();
            }
        }
    }

    /** Returns true if the outcome is unknown. */
    private static boolean read(int process, RangeClient c, String key, HistoryRecorder recorder, Map<String, Long> lastSeen) {
        HistoryRecorder.Handle h = recorder.invoke(process, "read", kv(key, null));
        try {
            Long value = c.get(utf8(key)).map(b -> Long.parseLong(text(b))).orElse(null);
            recorder.ok(h, kv(key, value));
            lastSeen.put(key, value);
            return false;
        } catch (RuntimeException e) {
            recorder.fail(h, e); // a read changes nothing: a failed one is simply not there
            return false;
        }
    }

    private static boolean write(int process, RangeClient c, String key, long value, HistoryRecorder recorder) {
        HistoryRecorder.Handle h = recorder.invoke(process, "write", kv(key, value));
        try {
            c.put(utf8(key), utf8(Long.toString(value)));
            recorder.ok(h);
            return false;
        } catch (RuntimeException e) {
            return failOrInfo(recorder, h, e);
        }
    }

    private static boolean cas(int process, RangeClient c, String key, Long expected, long value,
            HistoryRecorder recorder) {
        HistoryRecorder.Handle h = recorder.invoke(process, "cas", kv(key, Arrays.asList(expected, value)));
        try {
            c.conditionalPut(utf8(key), utf8(Long.toString(value)),
                    Optional.ofNullable(expected).map(e -> utf8(Long.toString(e))));
            recorder.ok(h);
            return false;
        } catch (ConditionFailedException e) {
            recorder.fail(h, e);
            return false;
        } catch (RuntimeException e) {
            return failOrInfo(recorder, h, e);
        }
    }

    /** Only a request no node would accept certainly did nothing; anything else may have been applied. */
    private static boolean failOrInfo(HistoryRecorder recorder, HistoryRecorder.Handle h, RuntimeException e) {
        if (e instanceof KvException k && (k.code() == ErrorResponse.Code.BAD_REQUEST
                || k.code() == ErrorResponse.Code.TOO_LARGE)) {
            recorder.fail(h, e);
            return false;
        }
        recorder.info(h, e);
        return true;
    }

    private void finalReads(RangeClient c, HistoryRecorder recorder, int ops) {
        int generations = ops / KEY_GENERATION_OPS + 1;
        int process = 1_000_000;
        for (int g = 0; g < generations; g++) {
            for (int k = 0; k < KEYS_AT_ONCE; k++) {
                String key = key(g, k);
                HistoryRecorder.Handle h = recorder.invoke(process, "read", kv(key, null));
                Long value = c.get(utf8(key)).map(b -> Long.parseLong(text(b))).orElse(null);
                recorder.ok(h, kv(key, value));
            }
        }
    }

    /** Null once the hot range's leaseholder is also its Raft leader (the lease follows leadership), else the last view. */
    private static String awaitLeaseWithLeadership(RangeClient c) throws InterruptedException {
        return RangeTests.awaitNoProblem(LEASE_FOLLOWS_LEADER_MILLIS, 200, () -> {
            GroupStatus g = c.leaseholderStatus(HOT_RANGE);
            return g.getLease().getHolder() == g.getLeader() ? null
                    : "lease on n" + g.getLease().getHolder() + ", Raft leader n" + g.getLeader();
        });
    }

    private RangeClient client(long seed) {
        RangeClientSettings s = RangeTestCluster.FAULT_TOLERANT_CLIENT;
        RangeClient c = cluster.client(s, seed);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    static String key(int generation, int k) {
        return "reg-" + generation + "-" + k;
    }

    static List<Object> kv(Object key, Object value) {
        return Arrays.asList(key, value);
    }

    /**
     * Transfers the hot range's lease to a random other live node, or (at most MAX_KILLS times)
     * kills its leaseholder with SIGKILL and restarts it on its store after a pause. At most one
     * node is down at a time; transfers go only to running nodes.
     */
    static final class LeaseNemesis extends FaultInjector {
        private final RangeClient client;

        LeaseNemesis(RangeTestCluster cluster, RangeClient client, SplittableRandom random, long startNanos,
                long endNanos) {
            super("lease-nemesis", cluster, random, startNanos, endNanos);
            this.client = client;
        }

        @Override
        protected void injectFaults() throws Exception {
            while (true) {
                TimeUnit.MILLISECONDS.sleep(random.nextLong(MIN_MILLIS_BETWEEN_FAULTS, MAX_MILLIS_BETWEEN_FAULTS + 1));
                if (System.nanoTime() >= endNanos) return;
                boolean forceKill = kills() == 0 && millisSinceStart() >= FORCE_KILL_AFTER_MILLIS;
                long holder = leaseholder();
                if (holder == 0) continue;
                if (kills() < MAX_KILLS && (forceKill || random.nextInt(4) == 0)) {
                    killAndRestart(holder, MIN_DOWN_MILLIS, MAX_DOWN_MILLIS);
                } else {
                    transfer(holder);
                }
            }
        }

        private long leaseholder() {
            try {
                return client.leaseholderStatus(HOT_RANGE).getLease().getHolder();
            } catch (KvException e) {
                event("no leaseholder status: " + e.getMessage());
                return 0;
            }
        }

        private void transfer(long holder) {
            List<Long> others = new ArrayList<>();
            for (NodeProcess n : cluster.nodes()) {
                if (n.nodeId() != holder && n.isAlive()) others.add(n.nodeId());
            }
            long to = others.get(random.nextInt(others.size()));
            long t0 = System.nanoTime();
            try {
                client.transferLease(HOT_RANGE, to);
                transferred();
                event("transferred the lease of r" + HOT_RANGE + " from n" + holder + " to n" + to + " in "
                        + RangeTests.millisSince(t0) + " ms");
            } catch (KvException e) {
                event("transfer of r" + HOT_RANGE + " from n" + holder + " to n" + to + " failed: " + e.getMessage());
            }
        }
    }
}
