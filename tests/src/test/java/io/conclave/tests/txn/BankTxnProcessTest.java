package io.conclave.tests.txn;

import static io.conclave.tests.jepsen.KvKeys.keyIn;
import static io.conclave.tests.txn.TxnTests.longBytes;
import static io.conclave.tests.txn.TxnTests.parseLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.tests.check.BankChecker;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank: accounts spread over eight ranges, 32 client threads moving money between them in
 * read-write transactions while a nemesis kills and restarts nodes (the clients' first contact
 * included) and moves leases. Concurrent read-only transactions scan every account; each such
 * snapshot must sum to the total with no balance negative (BankChecker), and after the faults
 * the total must be exact. Replay a schedule with {@code -Dtxn.seed=N}.
 */
final class BankTxnProcessTest {
    static final int INITIAL_RANGES = 8;
    static final int ACCOUNTS = 16;
    static final long INITIAL_BALANCE = 100;
    static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;
    static final int TRANSFER_THREADS = 32;
    /** Transfer threads share this many clients (each one node connection set and one coordinator). */
    static final int TXN_CLIENTS = 4;
    static final int READER_THREADS = 2;
    static final long MAX_AMOUNT = 20;
    static final long LOAD_MILLIS = 32_000;
    /** No fault in the last stretch, so every range serves again before the load ends. */
    static final long QUIET_MILLIS = 10_000;
    static final int MAX_KILLS = 2;
    /** A reader pauses between snapshots: the point is many snapshots during faults, not CPU. */
    static final long READ_PAUSE_MILLIS = 100;
    static final int SCAN_LIMIT = 1_000;
    /** The history's process of the final read: above every transfer and reader process. */
    static final int FINAL_READ_PROCESS = Integer.MAX_VALUE / 2;

    private TxnTests.Rig rig;
    private RangeTestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (rig != null) rig.close();
    }

    @Test
    void everySnapshotSumsToTheTotalAcrossKillsAndLeaseMoves(@TempDir Path dir) throws Exception {
        rig = TxnTests.Rig.start(dir, "bank", INITIAL_RANGES);
        cluster = rig.cluster();
        long seed = rig.seed();
        RangeClient admin = rig.admin();
        List<RangeDescriptor> ranges = rig.ranges();

        Map<String, byte[]> keys = new LinkedHashMap<>();
        Map<ByteBuffer, String> accountOfKey = new LinkedHashMap<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String account = "a" + i;
            byte[] key = keyIn(ranges.get(i % ranges.size()), "/bank/" + account);
            keys.put(account, key);
            accountOfKey.put(ByteBuffer.wrap(key), account);
        }
        TxnClient setup = rig.track(new TxnClient(admin, TxnTests.settings(true)));
        setup.run(txn -> {
            keys.values().forEach(k -> txn.put(k, longBytes(INITIAL_BALANCE)));
            return null;
        });

        HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
        List<TxnClient> clients = rig.txnClients(TXN_CLIENTS, TxnTests.settings(true));
        long start = System.nanoTime();
        long loadEnd = start + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
        Counts counts = new Counts();
        List<String> accounts = List.copyOf(keys.keySet());
        TxnTests.Load load = new TxnTests.Load();
        for (int t = 0; t < TRANSFER_THREADS; t++) {
            int worker = t;
            TxnClient client = clients.get(t % TXN_CLIENTS);
            SplittableRandom random = new SplittableRandom(seed * 31 + t);
            load.add("transfer-" + t, () -> transfers(worker, client, keys, accounts, random, recorder, counts, loadEnd));
        }
        for (int r = 0; r < READER_THREADS; r++) {
            int process = TRANSFER_THREADS * 1_000 + r;
            TxnClient client = clients.get(r % TXN_CLIENTS);
            boolean historical = r % 2 == 1;
            load.add("reader-" + r, () -> reads(process, client, historical, accountOfKey, recorder, counts, loadEnd));
        }
        TxnNemesis nemesis = new TxnNemesis(cluster, admin, ranges, new SplittableRandom(seed ^ 0x5eed), start,
                loadEnd - TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS), MAX_KILLS, 1);
        String context = rig.runUnderNemesis("bank", load, nemesis, start, LOAD_MILLIS + 120_000, counts::toString);

        // The final snapshot, read while healthy, must be exact.
        TxnClient last = rig.track(new TxnClient(rig.client(seed - 1),
                TxnTests.settings(true)));
        HistoryRecorder.Handle h = recorder.invoke(FINAL_READ_PROCESS, "read", null);
        Map<String, Long> finalBalances = last.run(txn -> snapshot(txn, accountOfKey));
        recorder.ok(h, finalBalances);
        long finalTotal = finalBalances.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(TOTAL, finalTotal, () -> "final balances " + finalBalances + "; " + context);

        History history = recorder.history();
        BankChecker.Result result = BankChecker.check(history, accounts, TOTAL);
        System.out.println("[bank] checker: " + result.readsChecked() + " snapshots, " + result.badReads().size() + " bad");
        if (!result.isValid()) {
            Path file = Path.of("target", "bank-txn-history-" + seed + ".txt");
            Files.createDirectories(file.getParent());
            history.write(file);
            fail(result + "\nhistory written to " + file.toAbsolutePath() + "; " + context);
        }
        assertTrue(counts.transfersOk.get() >= 50, () -> "only " + counts.transfersOk.get() + " transfers committed; "
                + context + "\n" + cluster.logTails(30));
        assertTrue(result.readsChecked() >= 10, () -> "only " + result.readsChecked() + " snapshots read; " + context);
    }

    private void transfers(int worker, TxnClient client, Map<String, byte[]> keys, List<String> accounts,
            SplittableRandom random, HistoryRecorder recorder, Counts counts, long endNanos) {
        int process = worker;
        while (System.nanoTime() < endNanos) {
            String from = accounts.get(random.nextInt(accounts.size()));
            String to = accounts.get(random.nextInt(accounts.size()));
            if (from.equals(to)) continue;
            long amount = random.nextLong(1, MAX_AMOUNT + 1);
            HistoryRecorder.Handle h = recorder.invoke(process, "transfer", Map.of("from", from, "to", to, "amount", amount));
            try {
                boolean moved = client.run(txn -> {
                    long fromBalance = balance(txn, keys.get(from), from);
                    long toBalance = balance(txn, keys.get(to), to);
                    if (fromBalance < amount) return false;
                    txn.put(keys.get(from), longBytes(fromBalance - amount));
                    txn.put(keys.get(to), longBytes(toBalance + amount));
                    return true;
                });
                recorder.ok(h);
                (moved ? counts.transfersOk : counts.transfersSkipped).incrementAndGet();
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                if (TxnTests.outcomeOf(e) == TxnTests.Outcome.NOT_COMMITTED) {
                    recorder.fail(h, e);
                    counts.transfersFailed.incrementAndGet();
                } else {
                    recorder.info(h, e);
                    counts.transfersUnknown.incrementAndGet();
                    process += TRANSFER_THREADS; // a process with an unknown outcome is retired, as Jepsen does
                }
            }
        }
    }

    private static long balance(Txn txn, byte[] key, String account) {
        Optional<byte[]> value = txn.get(key);
        if (value.isEmpty()) throw new IllegalStateException("account " + account + " is missing");
        return parseLong(value.get());
    }

    private void reads(int process, TxnClient client, boolean historical, Map<ByteBuffer, String> accountOfKey,
            HistoryRecorder recorder, Counts counts, long endNanos) throws InterruptedException {
        while (System.nanoTime() < endNanos) {
            HistoryRecorder.Handle h = recorder.invoke(process, "read", null);
            try {
                Map<String, Long> balances;
                if (historical) {
                    Txn txn = client.beginReadOnly(client.now());
                    try {
                        balances = snapshot(txn, accountOfKey);
                    } finally {
                        txn.rollback();
                    }
                } else {
                    balances = client.run(txn -> snapshot(txn, accountOfKey));
                }
                recorder.ok(h, balances);
                counts.readsOk.incrementAndGet();
            } catch (RuntimeException e) {
                recorder.fail(h, e); // a read changes nothing: a failed one is simply not there
                counts.readsFailed.incrementAndGet();
            }
            TimeUnit.MILLISECONDS.sleep(READ_PAUSE_MILLIS);
        }
    }

    /** Every account's balance, by one scan of the whole user keyspace in {@code txn}. */
    private static Map<String, Long> snapshot(Txn txn, Map<ByteBuffer, String> accountOfKey) {
        Map<String, Long> balances = new LinkedHashMap<>();
        for (KeyValue kv : txn.scan(Keys.USER_START, Keys.KEY_MAX, SCAN_LIMIT)) {
            String account = accountOfKey.get(ByteBuffer.wrap(kv.key()));
            if (account == null) account = "unknown:" + HexFormat.of().formatHex(kv.key());
            balances.put(account, parseLong(kv.value()));
        }
        return balances;
    }

    private static final class Counts {
        final AtomicInteger transfersOk = new AtomicInteger();
        final AtomicInteger transfersSkipped = new AtomicInteger();
        final AtomicInteger transfersFailed = new AtomicInteger();
        final AtomicInteger transfersUnknown = new AtomicInteger();
        final AtomicInteger readsOk = new AtomicInteger();
        final AtomicInteger readsFailed = new AtomicInteger();

        @Override
        public String toString() {
            return "transfers ok=" + transfersOk + " skipped=" + transfersSkipped + " failed=" + transfersFailed
                    + " unknown=" + transfersUnknown + ", snapshots ok=" + readsOk + " failed=" + readsFailed;
        }
    }
}
