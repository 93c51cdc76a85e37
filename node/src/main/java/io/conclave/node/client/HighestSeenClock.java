package io.conclave.node.client;

import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.transport.FrameClock;

/**
 * A client's clock: no physical clock of its own, only the largest node reading seen in answers,
 * stamped on every later request. A request that follows an answer in the client's program order
 * reaches its node with a reading above that answer, whose hybrid clock absorbs it: causality
 * carries across nodes through the client. A client machine's own clock is under no bound (a
 * reading beyond the maximum offset would make nodes refuse the client), hence none is used;
 * until the first answer the client stamps wall time 0, which nodes skip.
 *
 * <p>Thread-safe: one short critical section per frame.
 */
final class HighestSeenClock implements FrameClock {
    // Guarded by this. Only ever increases.
    private Timestamp latest = Timestamp.MIN;

    @Override
    public synchronized TimestampProto now() {
        return latest.toProto();
    }

    @Override
    public void observe(long fromNodeId, TimestampProto remote) {
        Timestamp reading = Timestamp.fromProto(remote);
        synchronized (this) {
            if (reading.compareTo(latest) > 0) latest = reading;
        }
    }
}
