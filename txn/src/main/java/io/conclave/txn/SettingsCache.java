package io.conclave.txn;

import com.google.protobuf.ByteString;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.TxnGet;
import io.conclave.range.rpc.TxnReadOptions;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster's {@link ClusterSettings#COMMIT_WAIT} as one client last read it. Read lazily, by
 * the first commit that needs it once the last reading is older than the refresh interval, with
 * a non-transactional snapshot read at the clock's now: an idle client reads nothing, and a busy
 * one reads once per interval. Only one thread reads at a time; the others use the last value
 * meanwhile (the default before the first reading), so no commit waits on another's read.
 */
final class SettingsCache {
    private final RangeClient ranges;
    private final TxnClock clock;
    private final TxnRuntime runtime;
    private final long refreshNanos;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean commitWait = ClusterSettings.isOn(ClusterSettings.defaultValue(ClusterSettings.COMMIT_WAIT));
    private volatile long readAtNanos;
    private volatile boolean everRead;

    SettingsCache(RangeClient ranges, TxnClock clock, TxnRuntime runtime, long refreshNanos) {
        if (refreshNanos <= 0) throw new IllegalArgumentException("refreshNanos must be positive, was " + refreshNanos);
        this.ranges = ranges;
        this.clock = clock;
        this.runtime = runtime;
        this.refreshNanos = refreshNanos;
    }

    /** The cluster's commit-wait setting, read again first if the last reading is stale. */
    boolean commitWait() {
        long now = runtime.nanoTime();
        if ((!everRead || now - readAtNanos >= refreshNanos) && reading.compareAndSet(false, true)) {
            try {
                commitWait = ClusterSettings.isOn(read(ClusterSettings.COMMIT_WAIT));
                everRead = true;
                readAtNanos = now;
            } catch (KvException | TxnException unavailable) {
                // Keep the last value: a setting being written (an intent) or an unreachable
                // range must not fail commits; the next commit past the interval reads again.
            } finally {
                reading.set(false);
            }
        }
        return commitWait;
    }

    private String read(String name) {
        byte[] key = ClusterSettings.key(name);
        KvRequest req = KvRequest.newBuilder().setTxnGet(TxnGet.newBuilder().setKey(ByteString.copyFrom(key))
                .setRead(TxnReadOptions.newBuilder().setReadTs(clock.now().toProto()))).build();
        KvResponse resp = ranges.sendRouted(key, d -> req, true).response();
        return ClusterSettings.decode(name, resp.getFound() ? resp.getValue().toByteArray() : null);
    }
}
