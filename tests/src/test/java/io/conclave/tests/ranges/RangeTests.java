package io.conclave.tests.ranges;

import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.ErrorResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the range process tests: seeds, key text, pacing, percentiles. */
final class RangeTests {
    private RangeTests() {}

    /** {@code -Dranges.seed=N} replays a run's schedule; otherwise a fresh seed, printed by the caller. */
    static long seed() {
        String fixed = System.getProperty("ranges.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime() & 0xffff_ffffL;
    }

    /** How often a test's own put is repeated after an ambiguous answer before the test gives up. */
    static final int PUT_ATTEMPTS = 5;

    /**
     * Puts and, on AMBIGUOUS_RESULT (the client never replays a write itself), puts again. Safe
     * only where the test is the key's only writer and always writes the same value there.
     */
    static void putOwnKey(RangeClient client, byte[] key, byte[] value) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(key, value);
                return;
            } catch (KvException e) {
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT || attempt >= PUT_ATTEMPTS) throw e;
                System.out.println("[ranges] put again after: " + e.getMessage());
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A condition a test waits for: null once it holds, else what is still wrong. */
    @FunctionalInterface
    interface Probe {
        String problem() throws InterruptedException;
    }

    /**
     * Asks {@code probe} every {@code pollMillis} until it reports no problem (returns null) or
     * {@code boundMillis} passed (returns the last problem, for the failure message).
     */
    static String awaitNoProblem(long boundMillis, long pollMillis, Probe probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        String problem;
        do {
            problem = probe.problem();
            if (problem == null) return null;
            Thread.sleep(pollMillis);
        } while (System.nanoTime() < deadline);
        return problem;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The {@code q}-quantile (0..1) of {@code values} by the nearest-rank method; 0 if empty. */
    static long quantile(List<Long> values, double q) {
        if (values.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
