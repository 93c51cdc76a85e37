package io.conclave.node.transport;

import java.util.Map;

/**
 * A snapshot of a transport's counters since it started. Counters are read one by one without a
 * global lock, so a snapshot taken under traffic is approximate across fields.
 *
 * @param framesIn frames decoded from all connections, including Hellos
 * @param framesOut frames encoded onto all connections, including Hellos
 * @param bytesIn bytes of decoded frames, length prefixes included
 * @param bytesOut bytes of encoded frames, length prefixes included
 * @param connectionsAccepted inbound connections accepted by the listener
 * @param connectionsEstablished node-to-node connections that completed the Hello exchange
 * @param reconnects dials of a peer after its previous connection or dial attempt ended
 * @param callsTimedOut calls that completed exceptionally because their timeout passed
 * @param callsFailed calls that completed exceptionally for any other reason
 * @param dropped frames discarded, per reason (every reason present, zero included)
 * @param rejected connections closed by the transport, per reason (every reason present)
 */
public record TransportStats(
        long framesIn,
        long framesOut,
        long bytesIn,
        long bytesOut,
        long connectionsAccepted,
        long connectionsEstablished,
        long reconnects,
        long callsTimedOut,
        long callsFailed,
        Map<DropReason, Long> dropped,
        Map<RejectReason, Long> rejected) {

    public TransportStats {
        dropped = Map.copyOf(dropped);
        rejected = Map.copyOf(rejected);
    }

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    public long rejected(RejectReason reason) {
        return rejected.getOrDefault(reason, 0L);
    }
}
