package io.conclave.node.clocksync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.Main;
import io.conclave.node.Node;
import io.conclave.node.NodeConfig;
import io.conclave.node.client.Clients;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.PeerClockOffset;
import io.conclave.range.rpc.StatusRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in this JVM on loopback, one of them with a shifted physical clock. */
class NodeClockSyncTest {
    private static final long MS = 1_000_000L;
    private static final long MAX_OFFSET = 250 * MS;
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
    /** A write may wait out the lease of the node that stopped itself (9 s by default). */
    private static final RangeClientSettings CLIENT = RangeClientSettings.defaults().withDeadline(Duration.ofSeconds(20));
    /** How often a test repeats its own put after an ambiguous answer before it gives up. */
    private static final int PUT_ATTEMPTS = 5;

    @TempDir
    Path dir;

    private final Map<Long, Node> nodes = new TreeMap<>();
    private final Map<Long, Throwable> fatal = new ConcurrentHashMap<>();

    @Test
    void aNodeBeyondTheBoundStopsItselfAndTheOtherTwoKeepServing() throws Exception {
        Map<Long, InetSocketAddress> addresses = start(Map.of(1L, 0L, 2L, 0L, 3L, 400 * MS));
        try (RangeClient client = Clients.connect(List.of(hostPort(addresses, 1), hostPort(addresses, 2)), CLIENT)) {
            await("node 3 stops itself", () -> fatal.containsKey(3L));
            Throwable stop = fatal.get(3L);
            assertInstanceOf(ClockStopException.class, stop);
            assertTrue(stop.getMessage().contains("exceeds 80% of the maximum offset (max-offset=250ms)"),
                    stop.getMessage());
            assertTrue(nodes.get(3L).stoppedByClock());
            putOwnKey(client, b("after"), b("stop"));
            assertArrayEquals(b("stop"), client.get(b("after")).orElseThrow());
            pause(5 * CHECK_INTERVAL.toMillis());
            assertEquals(List.of(3L), List.copyOf(fatal.keySet()), "only node 3 stops: " + fatal);
        }
    }

    @Test
    void offsetsBelowTheBoundStopNobodyAndStatusShowsThem() throws Exception {
        Map<Long, InetSocketAddress> addresses = start(Map.of(1L, 0L, 2L, 0L, 3L, 100 * MS));
        try (RangeClient client = Clients.connect(List.of(hostPort(addresses, 1), hostPort(addresses, 3)), CLIENT)) {
            await("node 1 measured both peers", () -> nodes.get(1L).clockOffsets().size() == 2);
            putOwnKey(client, b("k"), b("v"));
            assertArrayEquals(b("v"), client.get(b("k")).orElseThrow());
            pause(8 * CHECK_INTERVAL.toMillis());
            assertTrue(fatal.isEmpty(), "stopped: " + fatal);
            AdminResponse status = client.admin(hostPort(addresses, 1), AdminRequest.newBuilder()
                    .setStatus(StatusRequest.getDefaultInstance()).build());
            assertEquals(MAX_OFFSET, status.getMaxOffsetNanos());
            PeerClockOffset toThree = status.getClockOffsetsList().stream().filter(o -> o.getNodeId() == 3)
                    .findFirst().orElseThrow();
            assertTrue(Math.abs(toThree.getOffsetNanos() - 100 * MS) <= toThree.getErrorBoundNanos() + 20 * MS,
                    "node 1 sees node 3 about 100 ms ahead: " + toThree);
            assertFalse(nodes.get(2L).stoppedByClock());
            String printed = statusCommandOutput(hostPort(addresses, 2));
            assertTrue(printed.contains("clock offsets (peer minus this node; max-offset 250ms"), printed);
            assertTrue(printed.lines().anyMatch(l -> l.trim().startsWith("3 ") && l.contains("±")), printed);
        }
    }

    @Test
    void aNodeWithAnotherMaxOffsetStopsNamingBothValues() throws Exception {
        start(Map.of(1L, 0L, 2L, 0L, 3L, 0L), Map.of(3L, 500 * MS));
        await("node 3 stops itself", () -> fatal.containsKey(3L));
        String message = fatal.get(3L).getMessage();
        assertTrue(message.contains("--max-offset=500ms") && message.contains("--max-offset=250ms"), message);
        pause(3 * CHECK_INTERVAL.toMillis());
        assertEquals(List.of(3L), List.copyOf(fatal.keySet()), "only node 3 stops: " + fatal);
    }

    private Map<Long, InetSocketAddress> start(Map<Long, Long> clockOffsets) throws IOException {
        return start(clockOffsets, Map.of());
    }

    private Map<Long, InetSocketAddress> start(Map<Long, Long> clockOffsets, Map<Long, Long> maxOffsets)
            throws IOException {
        Map<Long, InetSocketAddress> addresses = new TreeMap<>();
        for (long id : clockOffsets.keySet()) addresses.put(id, freeAddress());
        for (long id : new TreeMap<>(clockOffsets).keySet()) {
            NodeConfig config = new NodeConfig(id, "clock", dir.resolve("n" + id), addresses.get(id), addresses,
                    false, maxOffsets.getOrDefault(id, MAX_OFFSET), clockOffsets.get(id), false, Duration.ofMillis(50),
                    SchedulerSettings.defaults(),
                    ClockSyncSettings.withCheckInterval(CHECK_INTERVAL));
            nodes.put(id, Node.start(config, t -> fatal.put(id, t)));
        }
        return addresses;
    }

    @org.junit.jupiter.api.AfterEach
    void stopNodes() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Node node : nodes.values()) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        nodes.clear();
        if (!failures.isEmpty()) throw failures.get(0);
    }

    /** What {@code conclave status --host} prints. */
    private static String statusCommandOutput(String hostPort) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, UTF_8));
        try {
            assertEquals(0, Main.run("status", "--host", hostPort));
        } finally {
            System.setOut(original);
        }
        return captured.toString(UTF_8);
    }

    /**
     * Puts and, on AMBIGUOUS_RESULT (the range client never replays a write itself), puts again:
     * the test is the key's only writer and always writes the same value there.
     */
    private static void putOwnKey(RangeClient client, byte[] key, byte[] value) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(key, value);
                return;
            } catch (KvException e) {
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT || attempt >= PUT_ATTEMPTS) throw e;
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String hostPort(Map<Long, InetSocketAddress> addresses, long id) {
        return "127.0.0.1:" + addresses.get(id).getPort();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            pause(20);
        }
        throw new AssertionError("timed out after 15 s waiting until " + what);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static InetSocketAddress freeAddress() throws IOException {
        return new InetSocketAddress("127.0.0.1", io.conclave.node.launch.NodeProcess.freePorts(1)[0]);
    }
}
