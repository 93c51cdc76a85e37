package io.conclave.node.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}; LongAdders because every I/O thread bumps them. */
final class Counters {
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsEstablished = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder callsTimedOut = new LongAdder();
    final LongAdder callsFailed = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

    Counters() {
        // Filled once here and never structurally modified, so concurrent reads are safe.
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    void drop(DropReason reason) {
        dropped.get(reason).increment();
    }

    void reject(RejectReason reason) {
        rejected.get(reason).increment();
    }

    TransportStats snapshot() {
        Map<DropReason, Long> droppedNow = new EnumMap<>(DropReason.class);
        dropped.forEach((reason, count) -> droppedNow.put(reason, count.sum()));
        Map<RejectReason, Long> rejectedNow = new EnumMap<>(RejectReason.class);
        rejected.forEach((reason, count) -> rejectedNow.put(reason, count.sum()));
        return new TransportStats(framesIn.sum(), framesOut.sum(), bytesIn.sum(), bytesOut.sum(),
                connectionsAccepted.sum(), connectionsEstablished.sum(), reconnects.sum(),
                callsTimedOut.sum(), callsFailed.sum(), droppedNow, rejectedNow);
    }
}
