package io.conclave.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.node.client.Clients;
import io.conclave.node.launch.NodeProcess;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic splits end to end, in child JVMs with test-sized thresholds: a range that grows
 * past --range-max-bytes is split (again and again) by the maintenance loop at the key its
 * leaseholder suggests, and no key is lost; a span read above --split-qps for long enough is
 * split by load at a key from the sampled requests.
 */
class AutoSplitProcessTest {
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int MAX_RANGE_BYTES = 64 * 1024;
    private static final int SPLIT_QPS = 100;
    private static final int VALUE_BYTES = 1000;
    private static final int SIZE_KEYS = 260; // about four times the limit

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        NodeProcess.stopAll(nodes, STOP_GRACE);
    }

    @Test
    void rangesSplitBySizeAndByLoad() throws Exception {
        List<String> addresses = MaintenanceNodes.loopbackAddresses(3);
        String peers = MaintenanceNodes.peers(addresses, 3);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = new NodeProcess(MaintenanceNodes.spec(dir, i + 1, i + 1, addresses.get(i),
                    List.of("--peers", peers, "--fsync", "false", "--tick", "50ms",
                            "--range-max-bytes", Integer.toString(MAX_RANGE_BYTES),
                            "--split-qps", Integer.toString(SPLIT_QPS))));
            nodes.add(n);
            n.start();
        }
        for (NodeProcess n : nodes) n.awaitReady(READY);

        try (RangeClient client = Clients.connect(addresses)) {
            // Size: four times the limit in one range.
            for (int i = 0; i < SIZE_KEYS; i++) client.put(sizeKey(i), value(i));
            awaitRanges(client, key("s"), key("t"), 4, Duration.ofSeconds(40), () -> {});
            List<KeyValue> all = client.scan(key("s"), key("t"), 10_000);
            assertEquals(SIZE_KEYS, all.size());
            for (int i = 0; i < SIZE_KEYS; i++) {
                assertArrayEquals(sizeKey(i), all.get(i).key());
                assertArrayEquals(value(i), all.get(i).value());
            }

            // Load: reads spread over a small span, well above the qps threshold, until it splits.
            for (int i = 0; i < 100; i++) client.put(loadKey(i), new byte[] {1});
            int before = rangesOverlapping(client.allRanges(), key("z"), key("z~"));
            SplittableRandom random = new SplittableRandom(7);
            AtomicBoolean failedRead = new AtomicBoolean();
            awaitRanges(client, key("z"), key("z~"), before + 1, Duration.ofSeconds(45), () -> {
                // About a second of reads between checks.
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until) {
                    if (client.get(loadKey(random.nextInt(100))).isEmpty()) failedRead.set(true);
                }
            });
            assertEquals(false, failedRead.get(), "a load key read as absent");
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sizeKey(int i) {
        return key(String.format("s%05d", i));
    }

    private static byte[] loadKey(int i) {
        return key(String.format("z%03d", i));
    }

    private static byte[] value(int i) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) ('a' + i % 26));
        return v;
    }

    private static int rangesOverlapping(List<RangeDescriptor> ranges, byte[] start, byte[] end) {
        int n = 0;
        for (RangeDescriptor d : ranges) {
            if (Keys.compare(d.getStartKey().toByteArray(), end) < 0 && Keys.compare(start, d.getEndKey().toByteArray()) < 0) {
                n++;
            }
        }
        return n;
    }

    /** Runs {@code between} until [start, end) overlaps at least {@code want} ranges in meta. */
    private void awaitRanges(RangeClient client, byte[] start, byte[] end, int want, Duration timeout, Runnable between)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            try {
                seen = rangesOverlapping(client.allRanges(), start, end);
                if (seen >= want) return;
            } catch (RuntimeException e) {
                // meta briefly unreadable: try again
            }
            between.run();
            Thread.sleep(200);
        }
        StringBuilder logs = new StringBuilder();
        for (NodeProcess n : nodes) logs.append("\n--- node ").append(n.nodeId()).append(":\n").append(n.logTail(30));
        fail("[" + Keys.pretty(start) + ", " + Keys.pretty(end) + ") overlaps " + seen + " ranges after " + timeout
                + ", wanted " + want + logs);
    }
}
