package io.conclave.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Settings validation, the write buffer and read set, errors, and the no-ambient-time rule. */
class TxnBasicsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void settingsAreValidatedTogether() {
        TxnSettings d = TxnSettings.defaults();
        assertEquals(10, d.maxAttempts());
        assertTrue(d.commitWaitOverride().isEmpty());
        assertEquals(Duration.ofSeconds(1), d.heartbeatInterval());
        assertEquals(Duration.ofMillis(250), d.maxOffset());
        assertEquals(Duration.ofSeconds(30), d.deadline());
        assertThrows(IllegalArgumentException.class, () -> TxnSettings.builder().maxAttempts(0).build());
        assertThrows(IllegalArgumentException.class, () -> TxnSettings.builder().heartbeatInterval(Duration.ofSeconds(5)).build());
        assertThrows(IllegalArgumentException.class, () -> TxnSettings.builder().deadline(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> TxnSettings.builder().maxOffset(null).build());
    }

    @Test
    void theWriteBufferKeepsTheLastWriteAndTheFirstKeyAsAnchor() {
        WriteBuffer w = new WriteBuffer(3);
        w.put(b("m"), b("1"));
        w.put(b("a"), b("2"));
        w.put(b("m"), null);
        assertEquals("m", new String(w.anchor(), StandardCharsets.UTF_8));
        assertTrue(w.contains(b("m")));
        assertNull(w.get(b("m")), "a delete is a tombstone");
        assertEquals(1, w.deletesIn(b("a"), b("z")));
        assertEquals(List.of("a", "m"), w.keys().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList());
        w.put(b("x"), b("3"));
        TxnException full = assertThrows(TxnException.class, () -> w.put(b("y"), b("4")));
        assertTrue(full.getMessage().contains("maxBufferedWrites"), full.getMessage());
        w.put(b("x"), b("5"));
    }

    @Test
    void theReadSetIsBounded() {
        ReadSet r = new ReadSet(2);
        r.addKey(b("a"));
        r.addKey(b("a"));
        r.addSpan(b("c"), b("b"));
        r.addSpan(b("b"), b("c"));
        r.addSpan(b("c"), b("d"));
        assertEquals(1, r.spans().size(), "a scan's next piece extends its span");
        assertEquals("d", new String(r.spans().get(0)[1], StandardCharsets.UTF_8));
        assertThrows(TxnException.class, () -> r.addKey(b("z")));
        assertEquals(1, r.keys().size());
        assertEquals(1, r.spans().size());
    }

    @Test
    void errorsCarryStableSqlStates() {
        assertEquals("40001", new TxnRetryException(TxnRetryException.Reason.ABORTED, "x").sqlState());
        assertTrue(new TxnRetryException(TxnRetryException.Reason.REFRESH_FAILED, "x").getMessage()
                .contains("REFRESH_FAILED"));
        assertEquals("40003", new TxnAmbiguousException("x", null).sqlState());
        assertEquals("XX000", new TxnException("x").sqlState());
    }

    @Test
    void lastKeyBeforeIsTheGreatestKeyBelowItsBound() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            byte[] end = new byte[1 + random.nextInt(i % 10 == 0 ? io.conclave.range.Keys.MAX_KEY_BYTES + 2 : 4)];
            for (int j = 0; j < end.length; j++) end[j] = (byte) (random.nextInt(3) == 0 ? 0 : random.nextInt(256));
            if (end.length == 1 && end[0] == 0) continue;
            byte[] last = Coordinator.lastKeyBefore(end);
            assertTrue(last.length <= io.conclave.range.Keys.MAX_KEY_BYTES);
            assertTrue(io.conclave.range.Keys.compare(last, end) < 0, "below its bound");
            // Nothing of at most MAX_KEY_BYTES lies strictly between: its successors are >= end.
            if (last.length < io.conclave.range.Keys.MAX_KEY_BYTES) {
                assertTrue(io.conclave.range.Keys.compare(io.conclave.range.Keys.next(last), end) >= 0);
            }
            int k = last.length - 1;
            while (k >= 0 && last[k] == (byte) 0xFF) k--;
            if (k >= 0) {
                byte[] bigger = java.util.Arrays.copyOf(last, k + 1);
                bigger[k]++;
                assertTrue(io.conclave.range.Keys.compare(bigger, end) >= 0, "the next key up is not below the bound");
            }
        }
    }

    @Test
    void theSystemRuntimeRunsTasksInOrderPeriodicallyAndInTheBackground() throws Exception {
        try (TxnRuntime rt = TxnRuntime.system(5)) {
            List<java.util.function.Supplier<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                tasks.add(() -> n * n);
            }
            assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49), rt.all(tasks));
            assertThrows(IllegalStateException.class, () -> rt.all(List.of(() -> 1, () -> {
                throw new IllegalStateException("second");
            })));
            java.util.concurrent.CountDownLatch beats = new java.util.concurrent.CountDownLatch(3);
            AutoCloseable h = rt.every(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5), beats::countDown);
            assertTrue(beats.await(5, java.util.concurrent.TimeUnit.SECONDS), "heartbeats ran");
            h.close();
            java.util.concurrent.CountDownLatch async = new java.util.concurrent.CountDownLatch(1);
            rt.async(async::countDown);
            assertTrue(async.await(5, java.util.concurrent.TimeUnit.SECONDS));
            byte[] a = new byte[16];
            byte[] b = new byte[16];
            rt.randomBytes(a);
            rt.randomBytes(b);
            assertFalse(java.util.Arrays.equals(a, b));
        }
    }

    /** Only the production runtime may read the system clock, sleep or make threads. */
    @Test
    void noAmbientTimeOrThreadsOutsideTheRuntime() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (p.getFileName().toString().equals("SystemRuntime.java")) continue;
                String text = Files.readString(p);
                for (String banned : List.of("System.currentTimeMillis", "System.nanoTime", "Instant.now", "new Random(",
                        "Thread.sleep", "new Thread(", "Executors.")) {
                    if (text.contains(banned)) offenders.add(p.getFileName() + ": " + banned);
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
