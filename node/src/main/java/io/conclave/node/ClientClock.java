package io.conclave.node;

import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.transport.FrameClock;

/**
 * A client's clock: it has no physical clock of its own, only the largest reading it has seen in
 * the nodes' answers, which it stamps on every later request. A request that follows an answer
 * (in the client's program order) therefore reaches its node with a reading above that answer,
 * and the node's hybrid clock absorbs it: causality carries across nodes through the client.
 *
 * <p>Why no physical clock: a client machine's clock is under no bound, and a reading more than
 * the maximum offset ahead would make every node refuse the client. Until the first answer the
 * client stamps wall time 0, which nodes skip.
 *
 * <p>Thread-safe: one short critical section per frame.
 */
final class ClientClock implements FrameClock {
    // Guarded by this. The largest reading seen; only ever increases.
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

    synchronized Timestamp latest() {
        return latest;
    }
}
