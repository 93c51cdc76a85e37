package io.conclave.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conclave kv} against a real one-node cluster: what a user types and reads. */
class KvVerbTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(new PrintWriter(err, true), args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void putGetScanCputDelrangeAndHex(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 1)) {
            String host = cluster.hostPort(1);
            assertEquals(0, run("kv", "put", "--host", host, "apple", "red").exit());
            assertEquals(0, run("kv", "put", "--host", host, "banana", "yellow").exit());
            assertEquals("red\n", run("kv", "get", "--host", host, "apple").out());
            assertEquals("(not found)\n", run("kv", "get", "--host", host, "cherry").out());
            assertEquals("apple = red\nbanana = yellow\n", run("kv", "scan", "--host", host).out());
            assertEquals(0, run("kv", "cput", "--host", host, "apple", "green", "red").exit());
            Run refused = run("kv", "cput", "--host", host, "apple", "blue", "--absent");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("condition failed: apple holds green"), refused.err());
            assertEquals("677265656e\n", run("kv", "get", "--host", host, "--hex", "6170706c65").out());
            assertEquals("OK (2 keys deleted)\n", run("kv", "delrange", "--host", host, "a", "c").out());
            assertEquals("", run("kv", "scan", "--host", host).out());
            Run bad = run("kv", "put", "--host", host, "--hex", "0102", "78");
            assertEquals(1, bad.exit(), bad.err());
            assertTrue(bad.err().contains("BAD_REQUEST"), bad.err());
        }
    }
}
