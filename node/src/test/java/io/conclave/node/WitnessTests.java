package io.conclave.node;

import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** What the witnessed commit-wait tests share: transactions with commit-wait, and how waits ended. */
final class WitnessTests {
    private WitnessTests() {}

    static TxnSettings settings() {
        return TxnSettings.builder().commitWait(true).deadline(Duration.ofSeconds(20)).build();
    }
    static CommitResult put(TxnClient client, byte[] key, String value) {
        TxnRetryException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Txn txn = client.begin();
            try {
                txn.put(key, value.getBytes(StandardCharsets.UTF_8));
                return txn.commit();
            } catch (TxnRetryException e) {
                last = e;
                txn.rollback();
            }
        }
        throw last;
    }
    /** Commit-waits of the running nodes ended by a witness round, and by the timer. */
    static long[] endings(TestCluster cluster) {
        long[] sum = new long[2];
        for (Node n : cluster.nodes.values()) {
            sum[0] += n.commitWaitEndings()[0];
            sum[1] += n.commitWaitEndings()[1];
        }
        return sum;
    }
    static byte[] userKey(RangeClient admin, String suffix) {
        for (RangeDescriptor d : admin.allRanges()) {
            if (Keys.compare(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) {
                byte[] start = d.getStartKey().toByteArray();
                byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
                byte[] out = Arrays.copyOf(start, start.length + s.length);
                System.arraycopy(s, 0, out, start.length, s.length);
                return out;
            }
        }
        throw new AssertionError("no user range");
    }
    static void sleepMillis(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
