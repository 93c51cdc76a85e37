package io.conclave.clock;

import java.time.Clock;
import java.time.Instant;

/**
 * The host's real-time clock. This is the only class in Conclave that reads the system time;
 * everything else receives a {@link PhysicalClock}.
 *
 * <p>It reads {@code java.time.Clock.systemUTC()}, which on Linux is {@code CLOCK_REALTIME}
 * with microsecond (or better) resolution. The alternative, anchoring one wall reading and
 * adding {@code System.nanoTime()} deltas, never steps backwards but also never follows NTP
 * corrections: an anchor error or a step made by NTP stays forever, and the offset guard,
 * which compares exactly these readings between nodes, would see a drift the operator
 * cannot fix. Following the real-time clock keeps the node where NTP puts it; the backward
 * steps that brings are the hybrid logical clock's job to absorb.
 */
public final class SystemClock implements PhysicalClock {
    /** Stateless; one instance serves the whole process. */
    public static final SystemClock INSTANCE = new SystemClock();

    private final Clock utc = Clock.systemUTC();

    private SystemClock() {}

    @Override
    public long nowNanos() {
        Instant now = utc.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public String toString() {
        return "SystemClock";
    }
}
