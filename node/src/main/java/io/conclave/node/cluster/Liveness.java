package io.conclave.node.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.NodeLiveness;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Keeps this node's {@link NodeLiveness} record alive in the system span of range 1 and reads
 * everyone's back, which is also how nodes learn each other's addresses: each record names its
 * node's {@code --listen} address, fed to {@code learnAddress} (the transport's address book).
 *
 * <p>A node is live while the expiration in its record is ahead of the reader's hybrid clock.
 * Both are hybrid-clock timestamps, so the comparison is off by at most the maximum clock offset,
 * far below the record's ttl. Liveness here is advisory: the allocator and the status views use
 * it; no correctness rule (leases, Raft) depends on it.
 *
 * <p>Hazard: if range 1 is unavailable, no record can be written and every node looks dead
 * once the ttl passes; the allocator must not act on a view it could not refresh.
 */
public final class Liveness {
    private static final Logger LOG = Logger.getLogger(Liveness.class.getName());

    private final long nodeId;
    private final String address;
    private final String httpAddress;
    private final long epoch;
    private final HybridLogicalClock clock;
    private final RangeClient client;
    private final LivenessSettings settings;
    private final BiConsumer<Long, String> learnAddress;
    // The records read by the last successful heartbeat, by node id; replaced whole.
    private volatile Map<Long, NodeLiveness> records = Map.of();
    private volatile boolean lastWriteFailed;
    // Completed once this node's record was first written in this run: it is in the registry.
    private final java.util.concurrent.CompletableFuture<Void> firstWrite = new java.util.concurrent.CompletableFuture<>();

    public Liveness(long nodeId, String address, String httpAddress, long epoch, HybridLogicalClock clock,
            RangeClient client, LivenessSettings settings, BiConsumer<Long, String> learnAddress) {
        this.nodeId = nodeId;
        this.address = address;
        this.httpAddress = httpAddress == null ? "" : httpAddress;
        this.epoch = epoch;
        this.clock = clock;
        this.client = client;
        this.settings = settings;
        this.learnAddress = learnAddress;
    }

    /** Heartbeats every interval on {@code executor}, the first one at once. */
    public void start(ScheduledExecutorService executor) {
        long millis = settings.heartbeatInterval().toMillis();
        executor.scheduleWithFixedDelay(this::heartbeatQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void heartbeatQuietly() {
        try {
            heartbeat();
            if (lastWriteFailed) LOG.info("node " + nodeId + " writes its liveness record again");
            lastWriteFailed = false;
        } catch (RuntimeException e) {
            // Range 1 may be electing or the cluster forming; the next heartbeat retries. Log the
            // first failure of a run only.
            if (!lastWriteFailed) LOG.warning("node " + nodeId + " could not heartbeat its liveness record: " + e.getMessage());
            lastWriteFailed = true;
        }
    }

    /** Writes this node's record, then reads every record and learns their addresses. */
    public void heartbeat() {
        client.put(Keys.livenessKey(nodeId), record(clock.now()).toByteArray());
        firstWrite.complete(null);
        Map<Long, NodeLiveness> read = readAll(client, settings.maxNodes());
        read.forEach((id, r) -> {
            if (id != nodeId && !r.getAddress().isEmpty()) learnAddress.accept(id, r.getAddress());
        });
        records = Map.copyOf(read);
    }

    NodeLiveness record(Timestamp now) {
        return NodeLiveness.newBuilder().setNodeId(nodeId).setAddress(address).setHttpAddress(httpAddress)
                .setExpiration(now.addNanos(settings.ttl().toNanos()).toProto()).setEpoch(epoch).build();
    }

    /** The records read by the last heartbeat (empty before the first one succeeded). */
    public Map<Long, NodeLiveness> records() {
        return records;
    }

    /**
     * Completes (on the heartbeat thread) once this node's record has been written in this run,
     * so that every registry read that begins afterwards lists this node.
     */
    public java.util.concurrent.CompletableFuture<Void> firstWrite() {
        return firstWrite;
    }

    public long epoch() {
        return epoch;
    }

    /** Every liveness record in the cluster, by node id, read now through {@code client}. */
    public static Map<Long, NodeLiveness> readAll(RangeClient client, int maxNodes) {
        Map<Long, NodeLiveness> out = new TreeMap<>();
        for (KeyValue kv : client.scan(Keys.livenessStart(), Keys.livenessEnd(), maxNodes)) {
            try {
                NodeLiveness r = NodeLiveness.parseFrom(kv.value());
                out.put(r.getNodeId(), r);
            } catch (InvalidProtocolBufferException e) {
                LOG.warning("skipping a corrupt liveness record at " + Keys.pretty(kv.key()) + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Whether {@code record}'s node is live at {@code now}: its record has not expired. */
    public static boolean isLive(NodeLiveness record, Timestamp now) {
        return Timestamp.fromProto(record.getExpiration()).isAfter(now);
    }
}
