package io.conclave.tests.txn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.jepsen.KvKeys;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.txn.TxnAmbiguousException;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnException;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.LongFunction;

/** Small helpers shared by the transaction process tests: seeds, keys placed in ranges, outcomes. */
final class TxnTests {
    private TxnTests() {}

    static final int NODES = 3;

    /** Where node logs are copied when a cluster closes, since the test's temporary directory is deleted. */
    static final Path KEPT_LOGS = Path.of("target", "txn-test-logs");

    /**
     * A started cluster of {@link #NODES} voters with at least {@code initialRanges} user ranges,
     * the run's seed (printed with how to replay it), an admin client, and what the test opens on
     * it, closed in reverse order and the cluster last.
     */
    static final class Rig implements AutoCloseable {
        private final RangeTestCluster cluster;
        private final long seed;
        private final List<AutoCloseable> closeables = new ArrayList<>();
        private RangeClient admin;
        private List<RangeDescriptor> ranges;

        private Rig(RangeTestCluster cluster, long seed) {
            this.cluster = cluster;
            this.seed = seed;
        }

        /**
         * @param name the cluster id, also the prefix of the printed seed line
         * @param extraArgs start flags of every node besides {@code --initial-ranges}
         * @param perNodeArgs further start flags of one node
         */
        static Rig start(Path dir, String name, int initialRanges, List<String> extraArgs,
                LongFunction<List<String>> perNodeArgs) throws Exception {
            long seed = TxnTests.seed();
            System.out.println("[" + name + "] " + replay(seed));
            List<String> args = new ArrayList<>(List.of("--initial-ranges", Integer.toString(initialRanges)));
            args.addAll(extraArgs);
            Rig rig = new Rig(new RangeTestCluster(dir, name, NODES, NODES, args, perNodeArgs, KEPT_LOGS), seed);
            try {
                rig.cluster.startAll();
                rig.admin = rig.track(rig.cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed));
                rig.ranges = KvKeys.userRanges(rig.admin);
            } catch (Exception | Error e) {
                rig.close();
                throw e;
            }
            if (rig.ranges.size() < initialRanges) {
                rig.close();
                throw new IllegalStateException("only " + rig.ranges.size() + " user ranges, wanted " + initialRanges);
            }
            return rig;
        }

        static Rig start(Path dir, String name, int initialRanges) throws Exception {
            return start(dir, name, initialRanges, List.of(), id -> List.of());
        }

        RangeTestCluster cluster() {
            return cluster;
        }

        long seed() {
            return seed;
        }

        RangeClient admin() {
            return admin;
        }

        /** The user ranges in key order, as the cluster started. */
        List<RangeDescriptor> ranges() {
            return ranges;
        }

        /** A client for transactions that contacts every node, first contact in node-id order. */
        RangeClient client(long clientSeed) {
            return track(cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, clientSeed));
        }

        /** A transaction client whose first contact (so whose clock readings) is {@code node}. */
        TxnClient txnClientVia(long node, long clientSeed, TxnSettings settings) {
            RangeClient rc = track(cluster.clientFirst(RangeTestCluster.FAULT_TOLERANT_CLIENT, clientSeed, node));
            return track(new TxnClient(rc, settings));
        }

        /** {@code count} transaction clients, each on a range client of its own seeded {@code seed + 1 + i}. */
        List<TxnClient> txnClients(int count, TxnSettings settings) {
            List<TxnClient> clients = new ArrayList<>();
            for (int c = 0; c < count; c++) clients.add(track(new TxnClient(client(seed + 1 + c), settings)));
            return clients;
        }

        /**
         * Runs {@code load} beside {@code nemesis} until both end (each thread waited for at most
         * {@code joinMillis}) and fails the test, with the counts, the seed, the nemesis' events
         * and the node logs, if a thread still runs, the nemesis or a load thread failed, or no
         * node was killed. Returns that context for the test's own checks.
         */
        String runUnderNemesis(String label, Load load, TxnNemesis nemesis, long startNanos, long joinMillis,
                Supplier<String> counts) throws InterruptedException {
            Thread nemesisThread = new Thread(nemesis, "nemesis");
            load.start();
            nemesisThread.start();
            nemesisThread.join(joinMillis);
            load.join(joinMillis);
            String context = counts.get() + "; " + replay(seed) + "; nemesis:\n" + String.join("\n", nemesis.events());
            System.out.println("[" + label + "] " + millisSince(startNanos) + " ms: " + counts.get() + ", kills="
                    + nemesis.kills() + ", transfers=" + nemesis.transfers());
            load.failIfStillRunning(context + "\n" + cluster.logTails(30));
            if (nemesisThread.isAlive()) fail("the nemesis is still running; " + context + "\n" + cluster.logTails(30));
            if (nemesis.failure() != null) fail("nemesis failed; " + context + "\n" + cluster.logTails(30), nemesis.failure());
            load.failIfCrashed(context);
            assertTrue(nemesis.kills() >= 1, () -> "no node was killed; " + context);
            return context;
        }

        <T extends AutoCloseable> T track(T closeable) {
            closeables.add(closeable);
            return closeable;
        }

        @Override
        public void close() throws Exception {
            try {
                for (int i = closeables.size() - 1; i >= 0; i--) closeables.get(i).close();
            } finally {
                cluster.close();
            }
        }
    }

    /** {@code -Dtxn.seed=N} replays a run's schedule; otherwise a fresh seed, printed by the caller. */
    static long seed() {
        String fixed = System.getProperty("txn.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime() & 0xffff_ffffL;
    }

    static String replay(long seed) {
        return "seed=" + seed + " (rerun with -Dtxn.seed=" + seed + ")";
    }

    /** A load thread's body; whatever it throws fails the test once the threads are joined. */
    interface Body {
        void run() throws Exception;
    }

    /** The threads of a test's load; the first throwable of any of them is kept. */
    static final class Load {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<Throwable> crash = new AtomicReference<>();

        void add(String name, Body body) {
            threads.add(new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    crash.compareAndSet(null, e);
                }
            }, name));
        }

        void start() {
            threads.forEach(Thread::start);
        }

        /** Waits for each thread for at most {@code joinMillis}. */
        void join(long joinMillis) throws InterruptedException {
            for (Thread t : threads) t.join(joinMillis);
        }

        void failIfStillRunning(String context) {
            for (Thread t : threads) {
                if (t.isAlive()) fail(t.getName() + " is still running; " + context);
            }
        }

        void failIfCrashed(String context) {
            if (crash.get() != null) fail("a load thread crashed; " + context, crash.get());
        }

        /** Starts the threads, waits for them, and fails if one still runs or crashed. */
        void run(long joinMillis, String context) throws InterruptedException {
            start();
            join(joinMillis);
            failIfStillRunning(context);
            failIfCrashed(context);
        }
    }

    /** Transaction settings of the tests: the defaults but a deadline that spans a lease running out after a kill. */
    static TxnSettings settings(boolean commitWait) {
        return settingsBuilder(commitWait).build();
    }

    static TxnSettings.Builder settingsBuilder(boolean commitWait) {
        return TxnSettings.builder().commitWait(commitWait).deadline(Duration.ofSeconds(40));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static long parseLong(byte[] b) {
        return Long.parseLong(text(b));
    }

    static byte[] longBytes(long v) {
        return utf8(Long.toString(v));
    }

    /** What a failed transaction means for a history: known not to have committed, or unknown. */
    enum Outcome { COMMITTED, NOT_COMMITTED, UNKNOWN }

    /**
     * A retryable failure left nothing committed (the coordinator rolled back); an ambiguous
     * commit, or any other failure (a lost connection in the middle of a commit, say), may have
     * committed.
     */
    static Outcome outcomeOf(RuntimeException e) {
        if (e instanceof TxnRetryException) return Outcome.NOT_COMMITTED;
        if (e instanceof TxnAmbiguousException) return Outcome.UNKNOWN;
        if (e instanceof TxnException) return Outcome.UNKNOWN;
        return Outcome.UNKNOWN;
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static void sleepMillis(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }

    /** A short message for an exception: its class, code-like message and the first cause. */
    static String describe(Throwable e) {
        String s = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e.getCause() != null && e.getCause() != e) s += " (cause " + e.getCause() + ")";
        return s;
    }
}
