package io.conclave.node.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real node JVM on loopback: start, ready, SIGKILL, restart on the same store, SIGTERM. */
class NodeProcessTest {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<NodeProcess> started = new ArrayList<>();

    @AfterEach
    void killNodes() {
        started.forEach(NodeProcess::killQuietly);
    }

    @Test
    void commandLineHasTheFlagsInOrder() {
        NodeProcessSpec spec = new NodeProcessSpec("java", "cp", jvmFlags(), 7, dir.resolve("store"),
                "127.0.0.1:1234", dir.resolve("node.log"), List.of("--groups", "2"));
        List<String> cmd = spec.command();
        assertEquals("java", cmd.get(0));
        assertEquals(jvmFlags(), cmd.subList(1, 6));
        assertEquals(List.of("-cp", "cp", NodeProcessSpec.NODE_MAIN, "start", "--store", dir.resolve("store").toString(),
                "--node-id", "7", "--listen", "127.0.0.1:1234", "--groups", "2"), cmd.subList(6, cmd.size()));
        assertEquals("node 7 listening on 127.0.0.1:1234", spec.readyLine());
    }

    @Test
    void aNodeWhoseIdTheClusterAssignsHasNoNodeIdFlag() {
        NodeProcessSpec spec = new NodeProcessSpec("java", "cp", List.of(), NodeProcessSpec.ASSIGNED_BY_CLUSTER,
                dir.resolve("store"), "127.0.0.1:1234", dir.resolve("node.log"), List.of("--join", "127.0.0.1:1"));
        assertEquals(List.of("java", "-cp", "cp", NodeProcessSpec.NODE_MAIN, "start", "--store",
                dir.resolve("store").toString(), "--listen", "127.0.0.1:1234", "--join", "127.0.0.1:1"), spec.command());
        assertTrue("node 3 listening on 127.0.0.1:1234".contains(spec.readyLine()));
        assertFalse(spec.waitingLine().contains(spec.readyLine()));
    }

    @Test
    void specRejectsWhatCannotLaunch() {
        assertThrows(IllegalArgumentException.class, () -> new NodeProcessSpec("java", " ", List.of(), 1, dir,
                "127.0.0.1:1", dir.resolve("log"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> spec(-1, "127.0.0.1:1", List.of()));
        assertThrows(IllegalArgumentException.class, () -> spec(1, "", List.of()));
    }

    @Test
    void insecureAddsTheFlagForLocalClusters() {
        assertEquals(List.of("--peers", "1=127.0.0.1:1", "--insecure"),
                NodeProcessSpec.insecure(List.of("--peers", "1=127.0.0.1:1")));
    }

    @Test
    void freePortsAreDistinct() throws Exception {
        int[] ports = NodeProcess.freePorts(3);
        assertNotEquals(ports[0], ports[1]);
        assertNotEquals(ports[1], ports[2]);
        assertNotEquals(ports[0], ports[2]);
    }

    @Test
    void killedNodeRestartsOnTheSameStoreAndStopsOnSigterm() throws Exception {
        String address = "127.0.0.1:" + NodeProcess.freePorts(1)[0];
        NodeProcess node = launch(spec(1, address,
                NodeProcessSpec.insecure(List.of("--peers", "1=" + address, "--fsync", "false"))));
        node.start();
        node.awaitReady(READY_TIMEOUT);
        long firstPid = node.pid();
        assertTrue(node.isAlive());

        node.kill();
        assertFalse(node.isAlive());
        assertNotEquals(0, node.exitValue(), "SIGKILL is not a clean exit");

        node.start();
        node.awaitReady(READY_TIMEOUT); // must see the ready line of this start, not the first one
        assertNotEquals(firstPid, node.pid());
        assertEquals(2, node.starts());
        assertTrue(node.log().contains("---- start #2 ----"), node.logTail(20));

        node.stop(Duration.ofSeconds(5));
        assertFalse(node.isAlive());
        assertNotNull(node.awaitExit(Duration.ofSeconds(1)), "exited");
    }

    @Test
    void aNodeThatExitsEarlyFailsWithItsLog() throws Exception {
        NodeProcess node = launch(spec(1, "not-an-address", List.of("--no-such-flag")));
        node.start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> node.awaitReady(READY_TIMEOUT));
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("log tail"), e.getMessage());
    }

    private NodeProcess launch(NodeProcessSpec spec) {
        NodeProcess node = new NodeProcess(spec);
        started.add(node);
        return node;
    }

    private NodeProcessSpec spec(long id, String address, List<String> startFlags) {
        return new NodeProcessSpec(NodeProcessSpec.currentJava(), NodeProcessSpec.currentClassPath(), jvmFlags(), id,
                dir.resolve("store"), address, dir.resolve("node.log"), startFlags);
    }

    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        flags.add("-Xmx128m");
        return flags;
    }
}
