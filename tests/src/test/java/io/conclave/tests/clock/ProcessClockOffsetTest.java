package io.conclave.tests.clock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.client.Clients;
import io.conclave.node.launch.NodeProcess;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.StatusRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on loopback with {@code --max-offset 250ms}, one of them started with
 * {@code --test-clock-offset}: beyond 80% of the bound it stops itself with the guard's message
 * and exit code 3 while the other two keep serving; below it all three keep running.
 */
class ProcessClockOffsetTest {
    private static final String MAX_OFFSET = "250ms";
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** Two intervals to measure and judge, plus a JVM start of the slower peers on a busy machine. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    /**
     * 2 s per attempt; 20 s per call, so a write can wait out a lease the stopped node held (9 s
     * plus the maximum offset) and an election.
     */
    private static final RangeClientSettings CLIENT = new RangeClientSettings(Duration.ofSeconds(2),
            Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(300), 4);
    /** How often the test repeats its own put after an ambiguous answer before it gives up. */
    private static final int PUT_ATTEMPTS = 5;

    @TempDir
    Path dir;

    private final List<ClockNode> nodes = new ArrayList<>();

    @AfterEach
    void killNodes() {
        nodes.forEach(ClockNode::kill);
    }

    @Test
    void aNodeTwiceBeyondTheBoundStopsItselfAndTheOthersKeepServing() throws Exception {
        startCluster("400ms"); // 2 x 80% of 250ms
        ClockNode far = nodes.get(2);
        Integer exit = far.awaitExit(STOP_TIMEOUT);
        assertEquals(Integer.valueOf(3), exit, "node 3 should stop itself with exit code 3; log:\n" + far.log());
        String log = far.log();
        int fatalLines = log.split("CLOCK_OFFSET_FATAL", -1).length - 1;
        assertEquals(1, fatalLines, "one clear fatal line; log:\n" + log);
        assertTrue(log.contains("exceeds 80% of the maximum offset (max-offset=250ms)"), log);
        assertTrue(nodes.get(0).isAlive() && nodes.get(1).isAlive(), "nodes 1 and 2 keep running; logs:\n" + logs());
        try (RangeClient client = Clients.connect(List.of(nodes.get(0).address(), nodes.get(1).address()), CLIENT)) {
            assertServes(client, "after-stop");
        }
        Thread.sleep(3 * CHECK_INTERVAL.toMillis());
        assertTrue(nodes.get(0).isAlive() && nodes.get(1).isAlive(), "nodes 1 and 2 still running; logs:\n" + logs());
    }

    @Test
    void aNodeWithinTheBoundKeepsRunningAndItsOffsetIsVisible() throws Exception {
        startCluster("100ms"); // 40% of 250ms
        try (RangeClient client = Clients.connect(nodes.stream().map(ClockNode::address).toList(), CLIENT)) {
            assertServes(client, "within");
            Thread.sleep(6 * CHECK_INTERVAL.toMillis());
            for (ClockNode n : nodes) assertTrue(n.isAlive(), "every node keeps running; log:\n" + n.log());
            AdminResponse status = client.admin(nodes.get(0).address(), AdminRequest.newBuilder()
                    .setStatus(StatusRequest.getDefaultInstance()).build());
            long toThree = status.getClockOffsetsList().stream().filter(o -> o.getNodeId() == 3).findFirst()
                    .orElseThrow(() -> new AssertionError("node 1 reports no offset to node 3: " + status))
                    .getOffsetNanos();
            assertTrue(Math.abs(toThree - 100_000_000L) < 50_000_000L, "node 3 about 100 ms ahead, was " + toThree);
            assertServes(client, "still");
        }
    }

    private String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ClockNode n : nodes) sb.append("==== ").append(n.logFile()).append('\n').append(n.log());
        return sb.toString();
    }

    /**
     * A put, repeated on AMBIGUOUS_RESULT (the range client never replays a write itself; the
     * test is the key's only writer and always writes "v"), then a read of it.
     */
    private static void assertServes(RangeClient client, String key) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(key.getBytes(UTF_8), "v".getBytes(UTF_8));
                break;
            } catch (KvException e) {
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT || attempt >= PUT_ATTEMPTS) throw e;
            }
        }
        assertArrayEquals("v".getBytes(UTF_8), client.get(key.getBytes(UTF_8)).orElseThrow());
    }

    private void startCluster(String thirdNodeOffset) throws Exception {
        int[] ports = NodeProcess.freePorts(3);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < 3; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        for (int i = 0; i < 3; i++) {
            List<String> args = new ArrayList<>(List.of("--peers", peers.toString(), "--max-offset", MAX_OFFSET,
                    "--clock-check-interval", CHECK_INTERVAL.toMillis() + "ms", "--fsync", "false"));
            if (i == 2) args.addAll(List.of("--test-clock-offset", thirdNodeOffset));
            nodes.add(new ClockNode(i + 1, ports[i], dir, args));
        }
        for (ClockNode n : nodes) n.start();
        for (ClockNode n : nodes) n.awaitReady(READY_TIMEOUT);
    }
}
