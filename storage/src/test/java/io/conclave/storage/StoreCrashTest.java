package io.conclave.storage;

import io.conclave.raft.Entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kill -9 a writer at a random moment, reopen, and check that every acknowledged batch is there
 * and the batch in flight is either entirely there or entirely absent.
 */
class StoreCrashTest {
    @TempDir
    Path dir;

    private static final int ROUNDS = 4;
    private static final long LINE_TIMEOUT_SECONDS = 30;

    @Test
    void killedWriterLosesNoAcknowledgedBatchAndNeverHalfABatch() throws Exception {
        long seed = Long.getLong("storage.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        try {
            Path store = dir.resolve("store");
            long acknowledged = 0;
            for (int round = 0; round < ROUNDS; round++) {
                int acksBeforeKill = 5 + random.nextInt(150);
                long lastAck = runAndKill(store, acksBeforeKill, round);
                assertTrue(lastAck >= acknowledged + acksBeforeKill, "round " + round + " acked up to " + lastAck);
                acknowledged = lastAck;
                verify(store, acknowledged);
            }
        } catch (Throwable t) {
            System.err.println("StoreCrashTest failed with -Dstorage.seed=" + seed);
            throw t;
        }
    }

    /** Starts the writer, kills it (SIGKILL) after {@code acks} acknowledgements, returns the last one seen. */
    private long runAndKill(Path store, int acks, int round) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java,
                "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                CrashWriter.class.getName(), store.toString()));
        File stderr = dir.resolve("writer-" + round + ".err").toFile();
        Process process = new ProcessBuilder(command).redirectError(stderr).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (IOException ignored) {
                // The process died; the lines read so far are all there is.
            }
            lines.add("EOF");
        }, "crash-writer-stdout");
        reader.setDaemon(true);
        reader.start();
        long lastAck = 0;
        int seen = 0;
        try {
            while (seen < acks) {
                String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (line == null || line.equals("EOF")) {
                    fail("writer stopped before " + acks + " acks (saw " + seen + "): "
                            + Files.readString(stderr.toPath()));
                }
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    seen++;
                }
            }
        } finally {
            // SIGKILL on Linux: no shutdown hooks, no close. Through the handle, not
            // Process.destroyForcibly, which also closes our end of the child's stdout: the acks
            // still in the pipe would be lost and the last batches look unacknowledged.
            process.toHandle().destroyForcibly();
            process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(LINE_TIMEOUT_SECONDS));
        // Acks printed before the kill may still sit in the pipe.
        for (String line; (line = lines.poll()) != null; ) {
            if (line.startsWith("ACK ")) lastAck = Long.parseLong(line.substring(4));
        }
        return lastAck;
    }

    private static void verify(Path dir, long acknowledged) {
        try (Store store = Store.open(dir, StoreOptions.defaults().withMapSizeBytes(256L << 20))) {
            long last = CrashWriter.decode(store.get(CrashWriter.lastKey()).orElseThrow());
            assertTrue(last == acknowledged || last == acknowledged + 1,
                    "acknowledged " + acknowledged + " but the store's last batch is " + last);
            for (long n = Math.max(1, last - 49); n <= last; n++) {
                byte[] v = store.get(CrashWriter.batchKey(n)).orElse(null);
                assertArrayEquals(CrashWriter.value(n), v, "batch " + n + " data");
            }
            assertTrue(store.get(CrashWriter.batchKey(last + 1)).isEmpty(), "nothing of batch " + (last + 1));
            if (last > 50) assertTrue(store.get(CrashWriter.batchKey(last - 50)).isEmpty(), "delete of batch " + last);
            // Each group's log holds exactly its batches 1..last, in order, committed.
            for (long g = 1; g <= CrashWriter.GROUPS; g++) {
                GroupStorage group = store.group(g);
                List<Entry> log = group.lastIndex() == 0 ? List.of()
                        : group.entries(1, group.lastIndex() + 1, Long.MAX_VALUE);
                List<Long> expected = new ArrayList<>();
                for (long n = 1; n <= last; n++) if (CrashWriter.group(n) == g) expected.add(n);
                List<Long> actual = new ArrayList<>();
                for (Entry e : log) actual.add(CrashWriter.decode(e.data()));
                assertEquals(expected, actual, "group " + g + " log");
                assertEquals(group.lastIndex(), group.hardState().commit(), "group " + g + " commit");
            }
        }
    }
}
