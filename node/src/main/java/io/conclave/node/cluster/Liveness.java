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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Keeps this node's {@link NodeLiveness} record alive in the system span of range 1 and reads
 * everyone's back, which is also how nodes learn each other's addresses: each record names its
 * node's {@code --listen} address, fed to {@code learnAddress} (the transport's address book).
 *
 * <p>A node is live while the expiration in its record is ahead of the reader's hybrid clock.
 * Both are hybrid-clock timestamps, so the comparison is off by at most the maximum clock offset,
 * far below the record's ttl. Leases and Raft do not depend on it; the allocator and the status
 * views use it, and witness rounds skip a node whose record expired (that node fenced itself,
 * see {@code TimestampFence}). A node shutting down withdraws its record ({@link #withdraw}).
 *
 * <p>Hazard: if range 1 is unavailable, no record can be written and every node looks dead
 * once the ttl passes; the allocator must not act on a view it could not refresh.
 */
public final class Liveness {
    private static final Logger LOG = Logger.getLogger(Liveness.class.getName());
    /** A failed heartbeat is tried again this soon (or at the interval, if shorter). */
    public static final java.time.Duration RETRY_AFTER_FAILURE = java.time.Duration.ofMillis(500);

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
    private volatile boolean withdrawn;
    private volatile ScheduledExecutorService heartbeats;
    private final LongConsumer writeCompleted;

    public Liveness(long nodeId, String address, String httpAddress, long epoch, HybridLogicalClock clock,
            RangeClient client, LivenessSettings settings, BiConsumer<Long, String> learnAddress,
            LongConsumer writeCompleted) {
        this.nodeId = nodeId;
        this.address = address;
        this.httpAddress = httpAddress == null ? "" : httpAddress;
        this.epoch = epoch;
        this.clock = clock;
        this.client = client;
        this.settings = settings;
        this.learnAddress = learnAddress;
        this.writeCompleted = writeCompleted;
    }

    /**
     * Heartbeats every interval on {@code executor}, the first one at once; after a failed one,
     * again after {@link #RETRY_AFTER_FAILURE} if that is sooner: a node that cannot write its
     * record hands out no timestamps (it is registering or fenced) until a write completes.
     */
    public void start(ScheduledExecutorService executor) {
        heartbeats = executor;
        executor.execute(() -> heartbeatAndReschedule(executor));
    }

    private void heartbeatAndReschedule(ScheduledExecutorService executor) {
        if (withdrawn) return;
        boolean ok = heartbeatQuietly();
        long millis = settings.heartbeatInterval().toMillis();
        if (!ok) millis = Math.min(millis, RETRY_AFTER_FAILURE.toMillis());
        try {
            executor.schedule(() -> heartbeatAndReschedule(executor), millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }

    private boolean heartbeatQuietly() {
        try {
            heartbeat();
            if (lastWriteFailed) LOG.info("node " + nodeId + " writes its liveness record again");
            lastWriteFailed = false;
            return true;
        } catch (RuntimeException e) {
            // Range 1 may be electing or the cluster forming; the next heartbeat retries. A failed
            // write may still have been applied: the fence never counts it, so it only fences this
            // node sooner. Log the first failure of a run only.
            if (!lastWriteFailed) LOG.warning("node " + nodeId + " could not heartbeat its liveness record: " + e.getMessage());
            lastWriteFailed = true;
            return false;
        }
    }

    /**
     * Writes this node's record, tells {@code writeCompleted} its expiration (HLC wall nanos) once
     * the write was acknowledged, then reads every record and learns their addresses.
     */
    public void heartbeat() {
        NodeLiveness mine = record(clock.now());
        client.put(Keys.livenessKey(nodeId), mine.toByteArray());
        writeCompleted.accept(Timestamp.fromProto(mine.getExpiration()).wallNanos());
        Map<Long, NodeLiveness> read = readAll(client, settings.maxNodes());
        read.forEach((id, r) -> {
            if (id != nodeId && !r.getAddress().isEmpty()) learnAddress.accept(id, r.getAddress());
        });
        records = Map.copyOf(read);
    }

    /**
     * Stops the heartbeat and writes this node's record with the clock's reading as its
     * expiration: witness rounds stop asking this node a max offset later, and the allocator gives
     * it nothing. Only for a node whose fence was withdrawn first (it hands out no timestamp from
     * now on): otherwise a round could skip a node that still serves. Runs on the heartbeat's
     * thread, after a heartbeat in flight, so no heartbeat extends the record again. Completes
     * with the expiration written (HLC wall nanos).
     */
    public CompletableFuture<Long> withdraw() {
        withdrawn = true;
        ScheduledExecutorService executor = heartbeats;
        if (executor == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + nodeId + " never started its heartbeat"));
        }
        return CompletableFuture.supplyAsync(() -> {
            Timestamp now = clock.now();
            client.put(Keys.livenessKey(nodeId), record(now).toBuilder().setExpiration(now.toProto()).build().toByteArray());
            return now.wallNanos();
        }, executor);
    }

    NodeLiveness record(Timestamp now) {
        return NodeLiveness.newBuilder().setNodeId(nodeId).setAddress(address).setHttpAddress(httpAddress)
                .setExpiration(now.addNanos(settings.ttl().toNanos()).toProto()).setEpoch(epoch).build();
    }

    /** The records read by the last heartbeat (empty before the first one succeeded). */
    public Map<Long, NodeLiveness> records() {
        return records;
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
