package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.text;
import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.SplitResult;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splits of a live range under concurrent writers and whole-keyspace scanners, on three node JVMs
 * with fixed membership. What must hold: every acknowledged write reads back; every scan was
 * sorted, duplicate-free, held every key acknowledged before it began and nothing never written;
 * meta describes the user keyspace without gaps or overlaps. Then a hundred splits in a row, each
 * timed. Replay a run's split keys with {@code -Dranges.seed=N}.
 */
final class SplitUnderLoadProcessTest {
    /** Unique keys written during the splits; each put is one Raft proposal. */
    static final int PUTS = 800;
    static final int WRITERS = 2;
    static final int SCANNERS = 2;
    /** Writers are paced so the 20 splits land in the middle of the stream, not after it. */
    static final long MIN_MILLIS_PER_PUT = 10;
    static final int SPLITS_UNDER_LOAD = 20;
    static final long MILLIS_BETWEEN_SPLITS = 250;
    static final int SPLITS_IN_A_ROW = 100;
    /** Larger than every key the test writes, so one scan sees the whole user keyspace. */
    static final int SCAN_LIMIT = 100_000;
    static final long LOAD_PHASE_CAP_MILLIS = 45_000;
    static final long META_SETTLE_MILLIS = 15_000;
    /** Scanners stop after this many bad scans: the first few tell the story. */
    static final int MAX_VIOLATIONS = 20;
    /** Page scans ask for 1 to this many rows, so most pages end inside a range and some cross several. */
    static final int MAX_PAGE_ROWS = 300;
    /** Splits slower than this are printed with their wall-clock time, to find them in the node logs. */
    static final long SLOW_SPLIT_MILLIS = 1_000;

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void splitsUnderWritesAndScansLoseNothingThenAHundredSplitsInARow(@TempDir Path dir) throws Exception {
        long seed = RangeTests.seed();
        System.out.println("[split] seed=" + seed + " (rerun with -Dranges.seed=" + seed + ")");
        cluster = new RangeTestCluster(dir, "split", 3, 3, List.of("--initial-ranges", "1"));
        cluster.start(1, 2, 3);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> splitPoints = distinctInts(random, SPLITS_UNDER_LOAD + SPLITS_IN_A_ROW, PUTS);

        Map<String, String> attempted = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<String> scanViolations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger scans = new AtomicInteger();
        AtomicInteger pageScans = new AtomicInteger();
        AtomicInteger failedPuts = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<String> splitFailures = Collections.synchronizedList(new ArrayList<>());
        List<Long> loadSplitMillis = Collections.synchronizedList(new ArrayList<>());

        long start = System.nanoTime();
        long capNanos = start + TimeUnit.MILLISECONDS.toNanos(LOAD_PHASE_CAP_MILLIS);
        AtomicInteger nextPut = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(thread("writer-" + w, () -> {
                for (int i = nextPut.getAndIncrement(); i < PUTS && System.nanoTime() < capNanos;
                        i = nextPut.getAndIncrement()) {
                    RangeTests.sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(i * MIN_MILLIS_PER_PUT));
                    String key = key(i);
                    String value = "v" + seed + "-" + i;
                    attempted.put(key, value);
                    try {
                        RangeTests.putOwnKey(client, utf8(key), utf8(value));
                        acknowledged.put(key, value);
                    } catch (RuntimeException e) {
                        failedPuts.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            }));
        }
        Thread splitter = thread("splitter", () -> {
            for (int s = 0; s < SPLITS_UNDER_LOAD && System.nanoTime() < capNanos; s++) {
                TimeUnit.MILLISECONDS.sleep(MILLIS_BETWEEN_SPLITS);
                String splitKey = splitKey(splitPoints.get(s));
                long t0 = System.nanoTime();
                try {
                    SplitResult r = client.split(utf8(splitKey));
                    long took = RangeTests.millisSince(t0);
                    loadSplitMillis.add(took);
                    if (took >= SLOW_SPLIT_MILLIS) {
                        System.out.println("[split] slow split at " + splitKey + " (r" + r.left().getRangeId() + " -> r"
                                + r.right().getRangeId() + "): " + took + " ms, finished at " + java.time.LocalTime.now());
                    }
                } catch (RuntimeException e) {
                    splitFailures.add(splitKey + ": " + e.getMessage());
                }
            }
        });
        List<Thread> scanners = new ArrayList<>();
        for (int s = 0; s < SCANNERS; s++) {
            // Scanner 0 reads the whole user keyspace; the others read pages from a random key, so
            // limits and resume keys are exercised across ranges that split under them.
            boolean whole = s == 0;
            SplittableRandom scanRandom = new SplittableRandom(seed + 17 * (s + 1));
            scanners.add(thread("scanner-" + s, () -> {
                while ((writers.stream().anyMatch(Thread::isAlive) || splitter.isAlive())
                        && scanViolations.size() < MAX_VIOLATIONS) {
                    byte[] from = whole ? Keys.USER_START : utf8(key(scanRandom.nextInt(PUTS)));
                    int limit = whole ? SCAN_LIMIT : 1 + scanRandom.nextInt(MAX_PAGE_ROWS);
                    Set<String> before = Set.copyOf(acknowledged.keySet());
                    List<KeyValue> rows;
                    try {
                        rows = client.scan(from, Keys.KEY_MAX, limit);
                    } catch (RuntimeException e) {
                        scanViolations.add("scan failed: " + e.getMessage());
                        continue;
                    }
                    int n = whole ? scans.incrementAndGet() : pageScans.incrementAndGet();
                    String problem = checkScan(rows, from, limit, before, attempted);
                    if (problem != null) {
                        scanViolations.add((whole ? "scan " : "page scan ") + n + " from " + text(from) + " limit "
                                + limit + ": " + problem);
                    }
                }
            }));
        }
        List<Thread> all = new ArrayList<>(writers);
        all.add(splitter);
        all.addAll(scanners);
        all.forEach(Thread::start);
        for (Thread t : all) t.join(LOAD_PHASE_CAP_MILLIS + 30_000);
        String context = "seed=" + seed;
        System.out.println("[split] load phase " + RangeTests.millisSince(start) + " ms: acknowledged="
                + acknowledged.size() + " failedPuts=" + failedPuts.get() + " scans=" + scans.get() + " pageScans=" + pageScans.get() + " splits="
                + loadSplitMillis.size() + " (p50 " + RangeTests.quantile(loadSplitMillis, 0.5) + " ms, max "
                + RangeTests.quantile(loadSplitMillis, 1.0) + " ms)");
        if (firstFailure.get() != null) System.out.println("[split] first failed put: " + firstFailure.get());

        assertEquals(List.of(), splitFailures, () -> "splits under load failed; " + context + "\n" + cluster.logTails(30));
        assertEquals(List.of(), head(scanViolations), () -> "bad scans; " + context);
        assertTrue(scans.get() >= 3 && pageScans.get() >= 3, () -> "only " + scans.get() + " whole and "
                + pageScans.get() + " page scans ran during the splits; " + context);
        assertEquals(0, failedPuts.get(), () -> "puts failed with no fault injected: " + firstFailure.get() + "; "
                + context + "\n" + cluster.logTails(30));
        assertEquals(PUTS, acknowledged.size(), () -> "writers did not finish within the cap; " + context);
        checkReadBack(acknowledged, context);
        checkMeta(2 + SPLITS_UNDER_LOAD, context);

        List<Long> rowMillis = new ArrayList<>();
        List<String> rowFailures = new ArrayList<>();
        long rowStart = System.nanoTime();
        for (int s = 0; s < SPLITS_IN_A_ROW; s++) {
            String splitKey = splitKey(splitPoints.get(SPLITS_UNDER_LOAD + s));
            long t0 = System.nanoTime();
            try {
                SplitResult r = client.split(utf8(splitKey));
                assertEquals(splitKey, text(r.right().getStartKey().toByteArray()), "right range's start");
                rowMillis.add(RangeTests.millisSince(t0));
            } catch (RuntimeException e) {
                rowFailures.add(splitKey + ": " + e.getMessage());
            }
        }
        System.out.println("[split] " + SPLITS_IN_A_ROW + " splits in a row: " + RangeTests.millisSince(rowStart)
                + " ms total, p50 " + RangeTests.quantile(rowMillis, 0.5) + " ms, p99 "
                + RangeTests.quantile(rowMillis, 0.99) + " ms, max " + RangeTests.quantile(rowMillis, 1.0)
                + " ms, failed " + rowFailures.size());
        assertEquals(List.of(), head(rowFailures), () -> "splits in a row failed; " + context + "\n" + cluster.logTails(30));
        checkMeta(2 + SPLITS_UNDER_LOAD + SPLITS_IN_A_ROW, context);
        List<KeyValue> finalScan = client.scan(Keys.USER_START, Keys.KEY_MAX, SCAN_LIMIT);
        assertEquals(null, checkScan(finalScan, Keys.USER_START, SCAN_LIMIT, acknowledged.keySet(), attempted), () -> "final scan; " + context);
        assertEquals(acknowledged.size(), finalScan.size(), () -> "final scan has keys never acknowledged; " + context);
        checkReadBack(acknowledged, context);
    }

    /**
     * Null if {@code rows} (a scan from {@code from} with {@code limit}) are at most {@code limit},
     * at or after {@code from}, in strictly increasing unsigned key order (so no duplicates), each
     * a key that was written with its value, and hold every key of {@code mustHold} the scan
     * covered: all from {@code from} on if it returned fewer than {@code limit} rows, else up to
     * its last row.
     */
    static String checkScan(List<KeyValue> rows, byte[] from, int limit, Set<String> mustHold,
            Map<String, String> attempted) {
        if (rows.size() > limit) return rows.size() + " rows returned for a limit of " + limit;
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            KeyValue kv = rows.get(i);
            if (Keys.compare(kv.key(), from) < 0) return "row " + i + " " + Keys.pretty(kv.key()) + " is before the start";
            if (i > 0 && Keys.compare(rows.get(i - 1).key(), kv.key()) >= 0) {
                return "not sorted or duplicated at row " + i + ": " + Keys.pretty(rows.get(i - 1).key()) + " then "
                        + Keys.pretty(kv.key());
            }
            String key = text(kv.key());
            String written = attempted.get(key);
            if (written == null) return "key " + Keys.pretty(kv.key()) + " was never written";
            if (!written.equals(text(kv.value()))) {
                return "key " + key + " holds " + text(kv.value()) + ", written " + written;
            }
            seen.add(key);
        }
        byte[] coveredUpTo = rows.size() < limit ? null : rows.get(rows.size() - 1).key();
        List<String> missing = mustHold.stream()
                .filter(k -> Keys.compare(utf8(k), from) >= 0
                        && (coveredUpTo == null || Keys.compare(utf8(k), coveredUpTo) <= 0))
                .filter(k -> !seen.contains(k)).sorted().limit(10).toList();
        if (!missing.isEmpty()) {
            return "missing " + missing.size() + "+ keys acknowledged before the scan began, e.g. " + missing
                    + " (scan returned " + rows.size() + " rows)";
        }
        return null;
    }

    private void checkReadBack(Map<String, String> acknowledged, String context) {
        List<String> keys = new ArrayList<>(acknowledged.keySet());
        Collections.sort(keys);
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String want = acknowledged.get(keys.get(i));
            // One by one, so a cluster that stopped serving fails the test after one client deadline.
            String got = client.get(utf8(keys.get(i))).map(RangeTests::text).orElse(null);
            if (!want.equals(got) && lost.size() < 10) lost.add(keys.get(i) + "=" + got + " (wrote " + want + ")");
        }
        assertEquals(List.of(), lost, () -> "acknowledged writes lost or changed; " + context);
    }

    /**
     * Waits until meta lists exactly {@code userRanges + 1} ranges (range 1 included) that tile
     * the keyspace: each starts where the previous ended, the last ends at KeyMax, ids distinct.
     */
    private void checkMeta(int ranges, String context) throws InterruptedException {
        String last = RangeTests.awaitNoProblem(META_SETTLE_MILLIS, 200, () -> metaProblem(client.allRanges(), ranges));
        if (last == null) return;
        throw new AssertionError("meta is not a tiling of " + ranges + " ranges after " + META_SETTLE_MILLIS + " ms: "
                + last + "; " + context);
    }

    static String metaProblem(List<RangeDescriptor> meta, int expectedRanges) {
        byte[] expectedStart = Keys.KEY_MIN;
        Map<Long, RangeDescriptor> ids = new HashMap<>();
        for (RangeDescriptor d : meta) {
            if (!Arrays.equals(expectedStart, d.getStartKey().toByteArray())) {
                return "r" + d.getRangeId() + " starts at " + Keys.pretty(d.getStartKey().toByteArray()) + ", expected "
                        + Keys.pretty(expectedStart);
            }
            if (ids.put(d.getRangeId(), d) != null) return "range id " + d.getRangeId() + " appears twice";
            if (d.getReplicasCount() != 3) return "r" + d.getRangeId() + " has replicas " + d.getReplicasList();
            expectedStart = d.getEndKey().toByteArray();
        }
        if (!Arrays.equals(expectedStart, Keys.KEY_MAX)) return "the last range ends at " + Keys.pretty(expectedStart);
        if (meta.size() != expectedRanges) return meta.size() + " ranges in meta, expected " + expectedRanges;
        return null;
    }

    static String key(int i) {
        return String.format("k%05d", i);
    }

    /** Strictly between {@code key(i)} and {@code key(i + 1)}, so every split cuts the written stream. */
    static String splitKey(int i) {
        return key(i) + "-split";
    }

    static List<Integer> distinctInts(SplittableRandom random, int count, int bound) {
        Set<Integer> out = new LinkedHashSet<>();
        for (int attempts = 0; out.size() < count && attempts < 100 * count; attempts++) out.add(random.nextInt(bound));
        if (out.size() < count) throw new IllegalStateException("could not pick " + count + " distinct ints below " + bound);
        return List.copyOf(out);
    }

    private static List<String> head(List<String> list) {
        synchronized (list) {
            return List.copyOf(list.subList(0, Math.min(10, list.size())));
        }
    }

    interface Body {
        void run() throws Exception;
    }

    static Thread thread(String name, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
            }
        }, name);
    }
}
