package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.text;
import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.node.client.Clients;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster formed the production way: three empty nodes started with {@code --join}, then
 * {@code conclave init} on one. The allocator replicates both initial ranges to all three,
 * data is written and split, then every node is killed with SIGKILL at once and restarted on its
 * store: the cluster comes back by itself (no init, no join answer needed) with every write.
 */
final class InitJoinRestartProcessTest {
    static final Duration READY = Duration.ofSeconds(30);
    static final int KEYS = 150;
    /** Up-replication of ranges 1 and 2 to the joined nodes: a learner snapshot and a promotion each. */
    static final long REPLICATED_BOUND_MILLIS = 45_000;
    static final long INIT_TIMEOUT_SECONDS = 30;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        for (NodeProcess n : nodes) n.killQuietly();
    }

    @Test
    void initJoinWriteSplitThenEveryNodeRestartsWithItsData(@TempDir Path dir) throws Exception {
        int[] ports = NodeProcess.freePorts(3);
        List<String> addresses = new ArrayList<>();
        for (int port : ports) addresses.add("127.0.0.1:" + port);
        List<String> jvmFlags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvmFlags.addAll(RangeTestCluster.NODE_JVM_FLAGS);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvmFlags, NodeProcessSpec.ASSIGNED_BY_CLUSTER,
                    dir.resolve("store-" + i), addresses.get(i), dir.resolve("node-" + i + ".log"),
                    NodeProcessSpec.insecure(List.of("--join", String.join(",", addresses)))));
            nodes.add(n);
            n.start();
        }
        for (NodeProcess n : nodes) n.awaitLine(n.spec().waitingLine(), READY);
        String initOutput = init(addresses.get(0), dir.resolve("init.log"));
        for (NodeProcess n : nodes) n.awaitReady(READY);
        long start = System.nanoTime();

        client = Clients.connect(addresses, RangeTestCluster.FAULT_TOLERANT_CLIENT);
        String problem = awaitThreeReplicas(2, REPLICATED_BOUND_MILLIS);
        if (problem != null) fail("ranges not replicated to the joined nodes: " + problem + "\n" + logTails());
        System.out.println("[init] init said: " + initOutput.trim() + "; both ranges on 3 nodes after "
                + RangeTests.millisSince(start) + " ms");

        Map<String, String> written = new TreeMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = String.format("key-%04d", i);
            RangeTests.putOwnKey(client, utf8(key), utf8("value-" + i));
            written.put(key, "value-" + i);
            if (i == KEYS / 2) client.split(utf8("key-0100"));
        }
        problem = awaitThreeReplicas(3, REPLICATED_BOUND_MILLIS);
        if (problem != null) fail("after the split: " + problem + "\n" + logTails());
        client.close();
        client = null;

        for (NodeProcess n : nodes) n.kill();
        for (NodeProcess n : nodes) n.start();
        for (NodeProcess n : nodes) n.awaitReady(READY);
        long restarted = System.nanoTime();
        client = Clients.connect(addresses, RangeTestCluster.FAULT_TOLERANT_CLIENT);
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, String> e : written.entrySet()) {
            Optional<byte[]> got = client.get(utf8(e.getKey()));
            if (!got.map(RangeTests::text).orElse("").equals(e.getValue())) lost.add(e.getKey() + "=" + got.map(RangeTests::text));
        }
        System.out.println("[init] after all three restarted, every write read back within "
                + RangeTests.millisSince(restarted) + " ms");
        assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), () -> "lost after restart\n" + logTails());
        List<KeyValue> scan = client.scan(Keys.USER_START, Keys.KEY_MAX, 10_000);
        assertEquals(new ArrayList<>(written.keySet()), scan.stream().map(kv -> text(kv.key())).toList());
        assertEquals(null, awaitThreeReplicas(3, REPLICATED_BOUND_MILLIS), "meta after the restart");
    }

    /** Runs {@code conclave init --host address} in its own JVM; fails unless it exits 0. */
    private static String init(String address, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(NodeProcessSpec.currentJava());
        cmd.addAll(NodeProcessSpec.LMDB_FLAGS);
        cmd.addAll(List.of("-cp", NodeProcessSpec.currentClassPath(), NodeProcessSpec.NODE_MAIN, "init", "--host", address));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("conclave init did not finish within " + INIT_TIMEOUT_SECONDS + " s: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "conclave init failed: " + out);
        return out;
    }

    /** Null once meta lists {@code ranges} ranges, each with voters on nodes 1, 2 and 3 and no learner. */
    private String awaitThreeReplicas(int ranges, long boundMillis) throws InterruptedException {
        return RangeTests.awaitNoProblem(boundMillis, 500, () -> {
            try {
                List<RangeDescriptor> meta = client.allRanges();
                if (meta.size() != ranges) return "meta lists " + meta.size() + " ranges, expected " + ranges;
                for (RangeDescriptor d : meta) {
                    String p = DeadNodeReplacementProcessTest.replicaProblem(d, java.util.Set.of(1L, 2L, 3L), 3, 3);
                    if (p != null) return p;
                }
                return null;
            } catch (KvException e) {
                return e.getMessage();
            }
        });
    }

    private String logTails() {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes) sb.append("==== ").append(n.logFile()).append('\n').append(n.logTail(30)).append('\n');
        return sb.toString();
    }
}
