package io.conclave.sql.exec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Row ids unique across a cluster without coordination (as CockroachDB's unique_rowid): the
 * statement's timestamp in 10-microsecond units in the high bits, this engine's instance id
 * (0..32767, the node id when wired) in the low 15 bits. Each engine's ids strictly increase, so
 * two ids from one engine never collide, and engines with different instance ids never collide.
 *
 * <p>Hazard: engines sharing an instance id (the default 0) may collide; the collision is caught
 * as a duplicate primary key (23505), never stored twice. An engine issuing ids faster than one
 * per 10 microseconds runs ahead of the clock, so a restarted engine could reuse one; again a
 * 23505, not a silent overwrite.
 */
public final class UniqueIds {
    public static final int MAX_INSTANCE_ID = (1 << 15) - 1;

    private final long instanceId;
    private final AtomicLong last = new AtomicLong();

    public UniqueIds(int instanceId) {
        if (instanceId < 0 || instanceId > MAX_INSTANCE_ID) {
            throw new IllegalArgumentException("instance id must be in 0.." + MAX_INSTANCE_ID + ", got " + instanceId);
        }
        this.instanceId = instanceId;
    }

    /** The next id, at or after {@code wallMicros} (the statement's timestamp). */
    public long next(long wallMicros) {
        long candidate = ((wallMicros / 10) << 15) | instanceId;
        return last.updateAndGet(previous -> Math.max(previous + (1L << 15), candidate));
    }
}
