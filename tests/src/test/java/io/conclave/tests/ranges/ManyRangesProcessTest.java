package io.conclave.tests.ranges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.launch.NodeProcess;
import io.conclave.range.Keys;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.StatusRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs bootstrapped with ten thousand user ranges: they start, meta lists every range,
 * a put and a get reach a sample of ranges (each acquiring its lease on demand), each node's
 * resident memory stays under a stated bound, and the idle CPU is printed.
 */
final class ManyRangesProcessTest {
    static final int RANGES = 10_000;
    static final int SAMPLE = 60;
    /**
     * Resident memory bound per node with the harness's 256 MiB heap: the heap, the JIT's code
     * cache and metaspace, thread stacks and LMDB's mapped pages actually touched.
     */
    static final long MAX_RSS_BYTES = 600L << 20;
    static final long IDLE_MEASURE_MILLIS = 10_000;
    /**
     * Ranges that may write while the cluster is idle: range 1 (liveness heartbeats), the sampled
     * ranges renewing the leases their requests took, and a few lease moves of the allocator.
     * Ten thousand idle ranges must cost no Raft writes.
     */
    static final int MAX_IDLE_RANGES_WRITTEN = 1 + SAMPLE + 40;
    /** Startup has settled once no more than this many ranges applied anything within a second. */
    static final int SETTLED_RANGES_MOVING = 20;
    static final long SETTLE_BOUND_MILLIS = 20_000;
    /** How long after the nodes print ready range 1 must serve meta; cold start elects every range. */
    static final long META_SERVING_BOUND_MILLIS = 60_000;
    /** Linux reports process CPU in clock ticks of USER_HZ, 100 on the platforms Conclave runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void tenThousandRangesStartServeAndStayWithinMemory(@TempDir Path dir) throws Exception {
        long seed = RangeTests.seed();
        System.out.println("[many] seed=" + seed + " (rerun with -Dranges.seed=" + seed + ")");
        cluster = new RangeTestCluster(dir, "many", 3, 3, List.of("--initial-ranges", Integer.toString(RANGES)));
        long start = System.nanoTime();
        cluster.start(1, 2, 3);
        System.out.println("[many] 3 nodes with " + RANGES + " ranges ready in " + RangeTests.millisSince(start) + " ms");
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed);

        long t0 = System.nanoTime();
        List<RangeDescriptor> meta = firstListing(t0);
        long firstListingMillis = RangeTests.millisSince(t0);
        t0 = System.nanoTime();
        int again = client.allRanges().size();
        System.out.println("[many] meta listed " + meta.size() + " ranges in " + firstListingMillis + " ms (again: "
                + again + " in " + RangeTests.millisSince(t0) + " ms)");
        assertEquals(RANGES + 1, meta.size(), "meta records: range 1 plus every user range");
        assertEquals(null, SplitUnderLoadProcessTest.metaProblem(meta, RANGES + 1), "meta tiles the keyspace");

        SplittableRandom random = new SplittableRandom(seed);
        Map<Long, byte[]> sampleKeys = new LinkedHashMap<>();
        while (sampleKeys.size() < SAMPLE) {
            RangeDescriptor d = meta.get(1 + random.nextInt(RANGES));
            byte[] startKey = d.getStartKey().toByteArray();
            byte[] key = Arrays.copyOf(startKey, startKey.length + 2);
            key[startKey.length] = 'k';
            key[startKey.length + 1] = (byte) ('0' + random.nextInt(10));
            sampleKeys.put(d.getRangeId(), key);
        }
        List<Long> putMillis = new ArrayList<>();
        List<Long> getMillis = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : sampleKeys.entrySet()) {
            long p0 = System.nanoTime();
            RangeTests.putOwnKey(client, e.getValue(), RangeTests.utf8("r" + e.getKey()));
            putMillis.add(RangeTests.millisSince(p0));
            assertEquals(e.getKey(), client.rangeFor(e.getValue()).getRangeId(), "range of " + Keys.pretty(e.getValue()));
        }
        for (Map.Entry<Long, byte[]> e : sampleKeys.entrySet()) {
            long g0 = System.nanoTime();
            Optional<byte[]> got = client.get(e.getValue());
            getMillis.add(RangeTests.millisSince(g0));
            assertEquals("r" + e.getKey(), got.map(RangeTests::text).orElse(null), "value in r" + e.getKey());
        }
        System.out.println("[many] " + SAMPLE + " ranges: first put p50 " + RangeTests.quantile(putMillis, 0.5)
                + " ms max " + RangeTests.quantile(putMillis, 1.0) + " ms; get p50 " + RangeTests.quantile(getMillis, 0.5)
                + " ms max " + RangeTests.quantile(getMillis, 1.0) + " ms");

        Map<Long, Long> appliedBefore = awaitStartupSettled(cluster.nodes().get(0));
        Map<Long, Long> cpuBefore = new LinkedHashMap<>();
        for (NodeProcess n : cluster.nodes()) cpuBefore.put(n.nodeId(), cpuTicks(n.pid()));
        long idleStart = System.nanoTime();
        Thread.sleep(IDLE_MEASURE_MILLIS);
        double seconds = (System.nanoTime() - idleStart) / 1e9;
        StringBuilder report = new StringBuilder("[many] idle over " + String.format("%.1f", seconds) + " s:");
        List<String> tooBig = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            assertTrue(n.isAlive(), () -> "node " + n.nodeId() + " died:\n" + n.logTail(40));
            long ticks = cpuTicks(n.pid()) - cpuBefore.get(n.nodeId());
            double percentOfCore = 100.0 * ticks / CLOCK_TICKS_PER_SECOND / seconds;
            long rss = rssBytes(n.pid());
            report.append(String.format(" n%d cpu %.1f%% of a core, rss %d MiB;", n.nodeId(), percentOfCore, rss >> 20));
            if (rss >= MAX_RSS_BYTES) tooBig.add("n" + n.nodeId() + " rss " + (rss >> 20) + " MiB");
        }
        Map<Long, Long> appliedAfter = appliedByRange(cluster.nodes().get(0));
        long entries = 0;
        int rangesWritten = 0;
        for (Map.Entry<Long, Long> e : appliedAfter.entrySet()) {
            long delta = e.getValue() - appliedBefore.getOrDefault(e.getKey(), e.getValue());
            entries += delta;
            if (delta > 0) rangesWritten++;
        }
        report.append(String.format(" Raft entries applied on n1 meanwhile: %d in %d of %d ranges", entries, rangesWritten,
                appliedAfter.size()));
        System.out.println(report);
        int written = rangesWritten;
        assertTrue(written <= MAX_IDLE_RANGES_WRITTEN, () -> written + " ranges wrote Raft entries while idle (at most "
                + MAX_IDLE_RANGES_WRITTEN + " expected: range 1's liveness records, the sampled ranges' lease renewals"
                + " and the allocator's lease moves); seed=" + seed);
        assertEquals(List.of(), tooBig, () -> "resident memory above " + (MAX_RSS_BYTES >> 20) + " MiB; seed=" + seed);
    }

    /**
     * Meta as soon as range 1 serves. After a cold start all ten thousand ranges elect at once
     * and range 1 is not elected first, so the first listing may outlast one client deadline.
     */
    private List<RangeDescriptor> firstListing(long startNanos) {
        while (true) {
            try {
                return client.allRanges();
            } catch (KvException e) {
                if (RangeTests.millisSince(startNanos) > META_SERVING_BOUND_MILLIS) {
                    throw new AssertionError("range 1 did not serve meta within " + META_SERVING_BOUND_MILLIS
                            + " ms of the nodes being ready: " + e.getMessage() + "\n" + cluster.logTails(20), e);
                }
                System.out.println("[many] meta not served yet after " + RangeTests.millisSince(startNanos) + " ms: "
                        + e.getMessage());
            }
        }
    }

    /**
     * A started node wakes its ranges a few hundred per tick and each elects a leader, writing an
     * entry: a startup cost, not an idle one. Waits (bounded) until at most a handful of ranges
     * moved in a second, and returns the applied indexes then.
     */
    private Map<Long, Long> awaitStartupSettled(NodeProcess node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_BOUND_MILLIS);
        Map<Long, Long> previous = appliedByRange(node);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<Long, Long> now = appliedByRange(node);
            long moved = now.entrySet().stream().filter(e -> !e.getValue().equals(previous.get(e.getKey()))).count();
            if (moved <= SETTLED_RANGES_MOVING) return now;
            previous.clear();
            previous.putAll(now);
        }
        return previous;
    }

    /** Each range's applied index on {@code node}, from its status. */
    private Map<Long, Long> appliedByRange(NodeProcess node) {
        Map<Long, Long> out = new HashMap<>();
        for (GroupStatus g : client.admin(node.spec().listenAddress(),
                AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build()).getGroupsList()) {
            out.put(g.getGroupId(), g.getApplied());
        }
        return out;
    }

    /** VmRSS of a process, from /proc/PID/status. */
    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
            }
        }
        throw new IllegalStateException("no VmRSS line for pid " + pid);
    }

    /** utime + stime of a process in clock ticks, from /proc/PID/stat (fields 14 and 15). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
