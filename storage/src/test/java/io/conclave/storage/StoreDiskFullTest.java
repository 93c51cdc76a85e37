package io.conclave.storage;

import io.conclave.raft.Entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk, simulated by running the writer under a 1 MiB file-size limit (the JVM ignores
 * SIGXFSZ, so LMDB's write fails with EFBIG as it would with ENOSPC): the failing commit throws a
 * clear StoreException, the store refuses further writes, and after a restart every acknowledged
 * batch is intact.
 */
class StoreDiskFullTest {
    @TempDir
    Path dir;

    private static final int FILE_LIMIT_KIB = 1024;

    @Test
    void fullDiskFailsClearlyAndLosesNothingAcknowledged() throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "needs /bin/bash for ulimit");
        Path store = dir.resolve("store");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // exec keeps the limit on the JVM; arguments are passed positionally, never parsed by the shell.
        ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-c", "ulimit -f " + FILE_LIMIT_KIB + " && exec \"$@\"",
                "writer", java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, DiskFullWriter.class.getName(), store.toString());
        Path out = dir.resolve("writer.out");
        Process process = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("writer did not finish: " + Files.readString(out));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String all = String.join("\n", lines);
        long lastAck = 0;
        String failed = null;
        String refused = null;
        for (String line : lines) {
            if (line.startsWith("ACK ")) lastAck = Long.parseLong(line.substring(4));
            if (line.startsWith("FAILED ")) failed = line;
            if (line.startsWith("REFUSED ")) refused = line;
        }
        assertEquals(0, process.exitValue(), all);
        assertTrue(failed != null, "the writer never hit the file-size limit:\n" + all);
        assertTrue(lastAck > 10, "only " + lastAck + " batches fit:\n" + all);
        assertTrue(failed.contains("StoreException: store " + store.toAbsolutePath()), failed);
        assertTrue(failed.contains("committing a batch failed"), failed);
        assertTrue(refused != null && refused.contains("refuses writes after an earlier failure"), all);

        try (Store reopened = Store.open(store, StoreOptions.defaults().withMapSizeBytes(64L << 20))) {
            long last = CrashWriter.decode(reopened.get(CrashWriter.lastKey()).orElseThrow());
            assertTrue(last == lastAck || last == lastAck + 1, "acked " + lastAck + ", store has " + last);
            GroupStorage g = reopened.group(1);
            assertEquals(last, g.lastIndex());
            List<Entry> log = g.entries(1, last + 1, Long.MAX_VALUE);
            for (long n = 1; n <= last; n++) {
                assertArrayEquals(CrashWriter.value(n), reopened.get(CrashWriter.batchKey(n)).orElseThrow(),
                        "batch " + n);
                assertEquals(n, CrashWriter.decode(log.get((int) n - 1).data()));
            }
            assertTrue(reopened.get(CrashWriter.batchKey(last + 1)).isEmpty());
            reopened.commit(DiskFullWriter.batch(reopened, last + 1));
            assertEquals(last + 1, g.lastIndex());
        }
    }
}
