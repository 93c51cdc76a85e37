package io.conclave.node.clocksync;

import io.conclave.clock.ClockDurations;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.Timestamp;
import io.conclave.storage.Store;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * The hybrid logical clock's high-water mark: a wall time persisted in the store that is above
 * every timestamp the node has handed out, so that a restart with a physical clock that stepped
 * back (NTP correction, a replaced battery, a VM restored elsewhere) never hands out a timestamp
 * below one it handed out before.
 *
 * <h2>Key</h2>
 * {@link #KEY} is {@code FF FF FF FF FF FF FF FF 'h' 'l' 'c'}: state-machine keys start with
 * their group id as 8 big-endian bytes and groups are numbered from 1, and node-local records
 * use group 0; the all-ones prefix is group 2^64-1, which no node ever creates, so the key lies
 * outside every group's range (no snapshot carries it, no range delete removes it).
 *
 * <h2>Why the mark covers the whole gap between writes</h2>
 * Each write stores {@code hlc.now() + margin} with {@code margin = maxOffset + 2 * interval}.
 * Until the next write the clock advances by the elapsed time, or is pushed by a remote reading
 * at most {@code maxOffset} ahead of the physical clock; so every timestamp handed out before
 * the next write, even if that write comes one interval late, stays below the mark. A write
 * later than that (a stalled disk) would leave a window; the mark is a safety net for clock
 * steps, not the only defence, since the offset guard also stops a node far behind its peers.
 */
public final class HlcHighWater {
    private static final Logger LOG = Logger.getLogger(HlcHighWater.class.getName());

    /** The store key of the mark; see the class comment for why it cannot collide. */
    public static final byte[] KEY = {
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        'h', 'l', 'c'
    };

    private final Store store;
    private final HybridLogicalClock clock;
    private final long marginNanos;

    public HlcHighWater(Store store, HybridLogicalClock clock, long persistIntervalNanos) {
        if (store == null || clock == null || persistIntervalNanos <= 0) {
            throw new IllegalArgumentException("store, clock and a positive persist interval are required");
        }
        this.store = store;
        this.clock = clock;
        this.marginNanos = Math.addExact(clock.maxOffsetNanos(), Math.multiplyExact(2, persistIntervalNanos));
    }

    /** The persisted mark, if any. */
    public OptionalLong read() {
        Optional<byte[]> value = store.get(KEY);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        byte[] bytes = value.get();
        if (bytes.length != Long.BYTES) {
            throw new IllegalStateException("store " + store.dir() + " holds a corrupt clock high-water mark: "
                    + Arrays.toString(bytes));
        }
        return OptionalLong.of(ByteBuffer.wrap(bytes).getLong());
    }

    /**
     * Restores the mark into the clock, before the node hands out any timestamp. Returns how far
     * the restored clock leads the physical clock (0 if it does not).
     */
    public long restore() {
        OptionalLong mark = read();
        if (mark.isEmpty()) {
            return 0;
        }
        clock.forwardTo(Timestamp.ofWallNanos(mark.getAsLong()));
        long leadNanos = mark.getAsLong() - clock.physicalNowNanos();
        if (leadNanos > marginNanos) {
            LOG.warning("the physical clock is " + ClockDurations.formatApprox(leadNanos) + " behind this node's clock"
                    + " high-water mark: it stepped back while the node was down; timestamps continue above the"
                    + " mark");
        }
        return Math.max(0, leadNanos);
    }

    /** Writes {@code hlc.now() + margin} (one store commit); returns the written mark. */
    public long persist() {
        long mark = Math.addExact(clock.now().wallNanos(), marginNanos);
        store.commit(store.newBatch().put(KEY, ByteBuffer.allocate(Long.BYTES).putLong(mark).array()));
        return mark;
    }

    /** How far above the clock's reading each write puts the mark. */
    public long marginNanos() {
        return marginNanos;
    }
}
