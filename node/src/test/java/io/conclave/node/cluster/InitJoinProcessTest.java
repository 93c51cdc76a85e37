package io.conclave.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.Main;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster life in child JVMs: three empty nodes started with --join, 'conclave init' on
 * one, the other two join and get ids 2 and 3; liveness makes all three visible to 'conclave
 * nodes' and /status/nodes (and a killed one as dead); the allocator replicates to the joined
 * nodes; split and lease-transfer and their errors; a second init is refused; a node restarts on
 * its store with nothing reachable on its --join list.
 */
class InitJoinProcessTest {
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final long AWAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        NodeProcess.stopAll(nodes, STOP_GRACE);
    }

    @Test
    void initTwoJoinsLivenessVerbsAndARestart() throws Exception {
        int[] ports = NodeProcess.freePorts(6);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) addresses.add("127.0.0.1:" + ports[i]);
        String join = String.join(",", addresses);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvmFlags(), NodeProcessSpec.ASSIGNED_BY_CLUSTER,
                    dir.resolve("s" + i), addresses.get(i), dir.resolve("n" + i + ".log"),
                    NodeProcessSpec.insecure(List.of("--join", join, "--http", "127.0.0.1:" + ports[3 + i], "--fsync",
                            "false", "--tick", "50ms", "--liveness-interval", "300ms", "--liveness-ttl", "1500ms"))));
            nodes.add(n);
            n.start();
        }
        for (NodeProcess n : nodes) n.awaitLine(n.spec().waitingLine(), READY);
        phase("started");

        // Before init: health checks and verbs are told what the node waits for.
        String waitingHealth = http(ports[3], "/health");
        assertTrue(waitingHealth.contains("\"status\":\"waiting\"") && waitingHealth.contains("init or join"),
                waitingHealth);
        Result early = run("nodes", "--host", addresses.get(0));
        assertEquals(1, early.code, early.all());
        assertTrue(early.err.contains("not initialized yet"), early.all());

        Result init = run("init", "--host", addresses.get(0));
        assertEquals(0, init.code, init.all());
        assertTrue(init.out.contains("initialized cluster ") && init.out.contains("node 1 at " + addresses.get(0)),
                init.all());
        for (NodeProcess n : nodes) n.awaitReady(READY);
        phase("init+ready");
        List<Long> ids = new ArrayList<>();
        for (NodeProcess n : nodes) ids.add(assignedId(n));
        assertEquals(1L, ids.get(0));
        assertEquals(List.of(1L, 2L, 3L), ids.stream().sorted().toList());

        Result again = run("init", "--host", addresses.get(1));
        assertEquals(1, again.code, again.all());
        assertTrue(again.err.contains("already initialized"), again.all());

        // Every node's liveness record is visible to every node.
        Result listed = awaitOutput(() -> run("nodes", "--host", addresses.get(2)),
                r -> r.code == 0 && count(r.out, " live ") == 3);
        for (String a : addresses) assertTrue(listed.out.contains(a), listed.out);
        String json = awaitOutput(() -> http(ports[3], "/status/nodes"),
                body -> count(body, "\"live\":true") == 3);
        assertTrue(json.startsWith("{\"node_id\":" + ids.get(0) + ",\"nodes\":["), json);
        assertTrue(http(ports[4], "/health").contains("\"status\":\"ok\""));
        assertTrue(http(ports[3], "/status/ranges").contains("\"range_id\":2"));
        phase("liveness");
        // The allocator replicates both ranges to the joined nodes.
        Result ranges = awaitOutput(() -> run("ranges", "--host", addresses.get(0)),
                r -> r.code == 0 && count(r.out, "{1,2,3}") == 2);
        assertTrue(ranges.out.contains("(2 ranges)"), ranges.out);
        phase("replicated");

        // Split and lease transfer, and their errors.
        Result split = run("split", "--host", addresses.get(1), "--key", "m");
        assertEquals(0, split.code, split.all());
        assertTrue(split.out.contains("left:  range 2 [\\x04, m)") && split.out.contains("right: range 3 [m, /Max)")
                && split.out.contains("split took"), split.all());
        Result atBoundary = run("split", "--host", addresses.get(1), "--key", "m");
        assertEquals(1, atBoundary.code, atBoundary.all());
        assertTrue(atBoundary.err.contains("already the start of range 3"), atBoundary.all());
        Result system = run("split", "--host", addresses.get(1), "--hex", "--key", "0301");
        assertTrue(system.code != 0 && system.err.contains("reserved for the system"), system.all());
        Result unknown = run("lease-transfer", "--host", addresses.get(2), "--range", "99", "--to", "2");
        assertEquals(1, unknown.code, unknown.all());
        assertTrue(unknown.err.contains("range 99 does not exist"), unknown.all());
        Result nowhere = run("lease-transfer", "--host", addresses.get(2), "--range", "3", "--to", "9");
        assertEquals(1, nowhere.code, nowhere.all());
        assertTrue(nowhere.err.contains("node 9 has no replica of range 3"), nowhere.all());
        Result moved = run("lease-transfer", "--host", addresses.get(2), "--range", "3", "--to", "3");
        assertEquals(0, moved.code, moved.all());
        assertTrue(moved.out.contains("range 3: lease transferred to node 3"), moved.all());
        phase("split+transfer");

        // A killed node turns dead once its record expires.
        nodes.get(2).kill();
        Result third = awaitOutput(() -> run("nodes", "--host", addresses.get(0)),
                r -> r.code == 0 && count(r.out, " live ") == 2 && count(r.out, " dead ") == 1);
        assertTrue(third.out.lines().anyMatch(l -> l.contains(addresses.get(2)) && l.contains(" dead ")), third.out);
        phase("dead");

        // A restart on its store needs no --join answer: stop everyone, start one alone.
        NodeProcess.stopAll(nodes, STOP_GRACE);
        NodeProcess second = nodes.get(1);
        second.start();
        second.awaitReady(READY);
        assertEquals(ids.get(1), assignedId(second));
        phase("restart");
    }

    private long phaseStartNanos = System.nanoTime();

    /** Prints how long each phase took: this test is the slowest of the module, keep it honest. */
    private void phase(String name) {
        long now = System.nanoTime();
        System.out.printf("InitJoinProcessTest phase %-15s %6.1f s%n", name, (now - phaseStartNanos) / 1e9);
        phaseStartNanos = now;
    }

    private static long assignedId(NodeProcess n) throws Exception {
        Matcher m = Pattern.compile("node (\\d+) listening on " + Pattern.quote(n.spec().listenAddress()))
                .matcher(n.log());
        long id = -1;
        while (m.find()) id = Long.parseLong(m.group(1));
        assertTrue(id > 0, n.logTail(20));
        return id;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    private record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs a verb in this JVM, capturing what it prints. */
    private static synchronized Result run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(new PrintWriter(err, true), args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static String http(int port, String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }

    private static <T> T awaitOutput(Supplier<T> attempt, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        T last = attempt.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; last answer: " + last);
            TimeUnit.MILLISECONDS.sleep(250);
            last = attempt.get();
        }
        return last;
    }

    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        // Short-lived nodes on a shared 2-core machine: C1 only and a serial collector start faster
        // and leave the cores to the test.
        flags.addAll(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        return flags;
    }
}
