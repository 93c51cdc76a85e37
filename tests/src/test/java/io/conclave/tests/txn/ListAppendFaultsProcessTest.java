package io.conclave.tests.txn;

import static io.conclave.tests.txn.TxnTests.keyIn;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.tests.check.ListAppendChecker;
import io.conclave.txn.TxnClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list-append workload while the nemesis kills and restarts nodes (the clients' first contact
 * first) and moves leases: intents left by a coordinator whose node died, records that expire,
 * pushes across a restarted leaseholder. The history must still have no G0, G1a, G1b, G1c,
 * G-single or G2 (real-time edges included). Replay a schedule with {@code -Dtxn.seed=N}.
 */
final class ListAppendFaultsProcessTest {
    static final int INITIAL_RANGES = 4;
    static final int KEYS = 8;
    static final int THREADS = 8;
    static final int TXN_CLIENTS = 4;
    static final int MAX_TXNS_PER_THREAD = 400;
    static final long LOAD_MILLIS = 35_000;
    static final long QUIET_MILLIS = 10_000;
    static final int MAX_KILLS = 2;

    private TxnTests.Rig rig;
    private RangeTestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (rig != null) rig.close();
    }

    @Test
    void listAppendHistoryHasNoDependencyCycleAcrossKillsAndLeaseMoves(@TempDir Path dir) throws Exception {
        rig = TxnTests.Rig.start(dir, "list-append-faults", INITIAL_RANGES);
        cluster = rig.cluster();
        long seed = rig.seed();
        RangeClient admin = rig.admin();
        List<RangeDescriptor> ranges = rig.ranges();
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) keys.add(keyIn(ranges.get(k % ranges.size()), "/append-faults/k" + k));
        List<TxnClient> clients = rig.txnClients(TXN_CLIENTS, TxnTests.settings(true));
        // Warm every range's lease so the first kill hits serving leaseholders.
        clients.get(0).run(txn -> {
            keys.forEach(txn::get);
            return null;
        });

        ListAppendWorkload workload = new ListAppendWorkload(keys, THREADS);
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
        TxnTests.Load load = new TxnTests.Load();
        for (int t = 0; t < THREADS; t++) {
            int worker = t;
            TxnClient client = clients.get(t % TXN_CLIENTS);
            SplittableRandom random = new SplittableRandom(seed * 13 + t);
            load.add("append-" + t, () -> workload.work(worker, client, random, end, MAX_TXNS_PER_THREAD));
        }
        TxnNemesis nemesis = new TxnNemesis(cluster, admin, ranges, new SplittableRandom(seed ^ 0xfa17), start,
                end - TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS), MAX_KILLS, 1);
        String context = rig.runUnderNemesis("list-append-faults", load, nemesis, start, LOAD_MILLIS + 120_000,
                () -> String.valueOf(workload.counts()));

        ListAppendChecker.Result result = workload.check("list-append-faults", seed);
        System.out.println("[list-append-faults] checker: " + (result.isValid() ? "VALID" : "INVALID " + result.counts())
                + ", " + result.txnsChecked() + " txns");
        if (!result.isValid()) fail(result + "\n" + context);
        assertTrue(workload.ok.get() >= 30, () -> "too few transactions committed; " + context + "\n"
                + cluster.logTails(30));
    }
}
