package io.conclave.tests.txn;

import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.TxnAmbiguousException;
import io.conclave.txn.TxnException;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the transaction process tests: seeds, keys placed in ranges, outcomes. */
final class TxnTests {
    private TxnTests() {}

    /** {@code -Dtxn.seed=N} replays a run's schedule; otherwise a fresh seed, printed by the caller. */
    static long seed() {
        String fixed = System.getProperty("txn.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime() & 0xffff_ffffL;
    }

    static String replay(long seed) {
        return "seed=" + seed + " (rerun with -Dtxn.seed=" + seed + ")";
    }

    /** Transaction settings of the tests: the defaults but a deadline that spans a lease running out after a kill. */
    static TxnSettings settings(boolean commitWait) {
        return settingsBuilder(commitWait).build();
    }

    static TxnSettings.Builder settingsBuilder(boolean commitWait) {
        return TxnSettings.builder().commitWait(commitWait).deadline(Duration.ofSeconds(40));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static long parseLong(byte[] b) {
        return Long.parseLong(text(b));
    }

    static byte[] longBytes(long v) {
        return utf8(Long.toString(v));
    }

    /** The user ranges in key order (the meta range, whose keys are single-version, left out). */
    static List<RangeDescriptor> userRanges(RangeClient client) {
        List<RangeDescriptor> out = new ArrayList<>();
        for (RangeDescriptor d : client.allRanges()) {
            if (Arrays.compareUnsigned(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) out.add(d);
        }
        out.sort(Comparator.comparing(d -> d.getStartKey().toByteArray(), Arrays::compareUnsigned));
        return out;
    }

    /**
     * A key inside {@code range}: its start key followed by {@code name}. A range boundary is
     * never a prefix of a later boundary here (the initial ranges cut the two-byte space), so the
     * key sorts inside the range.
     */
    static byte[] keyIn(RangeDescriptor range, String name) {
        byte[] start = range.getStartKey().toByteArray();
        byte[] suffix = utf8(name);
        byte[] key = Arrays.copyOf(start, start.length + suffix.length);
        System.arraycopy(suffix, 0, key, start.length, suffix.length);
        byte[] end = range.getEndKey().toByteArray();
        if (Arrays.compareUnsigned(key, end) >= 0) {
            throw new IllegalStateException("key for " + name + " falls outside range " + range.getRangeId());
        }
        return key;
    }

    /** What a failed transaction means for a history: known not to have committed, or unknown. */
    enum Outcome { COMMITTED, NOT_COMMITTED, UNKNOWN }

    /**
     * A retryable failure left nothing committed (the coordinator rolled back); an ambiguous
     * commit, or any other failure (a lost connection in the middle of a commit, say), may have
     * committed.
     */
    static Outcome outcomeOf(RuntimeException e) {
        if (e instanceof TxnRetryException) return Outcome.NOT_COMMITTED;
        if (e instanceof TxnAmbiguousException) return Outcome.UNKNOWN;
        if (e instanceof TxnException) return Outcome.UNKNOWN;
        return Outcome.UNKNOWN;
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static void sleepMillis(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }

    /** A short message for an exception: its class, code-like message and the first cause. */
    static String describe(Throwable e) {
        String s = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e.getCause() != null && e.getCause() != e) s += " (cause " + e.getCause() + ")";
        return s;
    }
}
