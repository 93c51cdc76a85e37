package io.conclave.node;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.client.Clients;
import io.conclave.node.cluster.Addresses;
import io.conclave.node.cluster.ClusterOptions;
import io.conclave.node.cluster.LivenessSettings;
import io.conclave.node.fault.FaultInjection;
import io.conclave.node.maintenance.MaintenanceSettings;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.StatusRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real nodes (LMDB stores, Netty transports, schedulers) in this JVM, on loopback. */
final class TestCluster implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(50);
    /** How often a test repeats its own write after an ambiguous answer before it gives up. */
    static final int WRITE_ATTEMPTS = 5;

    private final Path dir;
    private final SchedulerSettings settings;
    private final int userRanges;
    private final boolean faultInjection;
    private final MaintenanceSettings maintenance;
    /** Each node's --test-clock-offset, in nanoseconds (absent: 0). */
    private final Map<Long, Long> clockOffsetsNanos;
    /** Each node's fault-injection knob, when the cluster was started with it. */
    final Map<Long, FaultInjection> faults = new TreeMap<>();
    final Map<Long, InetSocketAddress> addresses = new TreeMap<>();
    final Map<Long, InetSocketAddress> initialVoters = new TreeMap<>();
    final Map<Long, Node> nodes = new TreeMap<>();
    final List<Throwable> fatal = new ArrayList<>();
    /** The liveness heartbeat and ttl of nodes started from now on; null: the defaults. */
    LivenessSettings liveness;

    TestCluster(Path dir, int voters, SchedulerSettings settings) throws IOException {
        this(dir, voters, settings, 1);
    }

    /** {@code voters} nodes holding range 1 and {@code userRanges} user ranges. */
    TestCluster(Path dir, int voters, SchedulerSettings settings, int userRanges) throws IOException {
        this(dir, voters, settings, userRanges, false);
    }

    /** As above; with {@code faultInjection} every node accepts fault rules, as with --testing-fault-injection. */
    TestCluster(Path dir, int voters, SchedulerSettings settings, int userRanges, boolean faultInjection)
            throws IOException {
        this(dir, voters, settings, userRanges, faultInjection, null);
    }

    /** As above, every node running a maintenance loop with {@code maintenance} (null: none). */
    TestCluster(Path dir, int voters, SchedulerSettings settings, int userRanges, boolean faultInjection,
            MaintenanceSettings maintenance) throws IOException {
        this(dir, voters, settings, userRanges, faultInjection, maintenance, Map.of());
    }

    /** As above, node {@code id}'s physical clock shifted by {@code clockOffsetsNanos.get(id)}, as with --test-clock-offset. */
    TestCluster(Path dir, int voters, SchedulerSettings settings, int userRanges, boolean faultInjection,
            MaintenanceSettings maintenance, Map<Long, Long> clockOffsetsNanos) throws IOException {
        this.clockOffsetsNanos = Map.copyOf(clockOffsetsNanos);
        this.dir = dir;
        this.faultInjection = faultInjection;
        this.maintenance = maintenance;
        // A short lease: a stopped leaseholder's ranges are unserved until its lease runs out.
        this.settings = settings.leaseDurationNanos() == SchedulerSettings.defaults().leaseDurationNanos()
                ? settings.withLeaseDurationNanos(2_000_000_000L) : settings;
        this.userRanges = userRanges;
        for (long id = 1; id <= voters; id++) {
            addresses.put(id, freeAddress());
            initialVoters.put(id, addresses.get(id));
        }
        for (long id = 1; id <= voters; id++) start(id);
    }

    Node start(long id) {
        NodeConfig config = new NodeConfig(id, "test", dir.resolve("n" + id), addresses.get(id), initialVoters,
                false, MaxOffsetSetting.DEFAULT.nanos(), clockOffsetsNanos.getOrDefault(id, 0L), false, TICK, settings)
                .withInitialRanges(userRanges);
        if (maintenance != null) config = config.withCluster(ClusterOptions.defaults().withMaintenance(maintenance));
        if (liveness != null) config = config.withCluster(config.cluster().withLiveness(liveness));
        FaultInjection knob = faultInjection ? FaultInjection.enabled() : FaultInjection.disabled();
        faults.put(id, knob);
        return put(id, Node.start(config, fatal::add, knob));
    }

    /** A node that is not an initial voter: it starts empty and waits to be added. */
    Node startJoining(long id) throws IOException {
        addresses.put(id, freeAddress());
        NodeConfig config = new NodeConfig(id, "test", dir.resolve("n" + id), addresses.get(id), initialVoters,
                true, MaxOffsetSetting.DEFAULT.nanos(), clockOffsetsNanos.getOrDefault(id, 0L), false, TICK, settings);
        if (liveness != null) config = config.withCluster(config.cluster().withLiveness(liveness));
        FaultInjection knob = faultInjection ? FaultInjection.enabled() : FaultInjection.disabled();
        faults.put(id, knob);
        return put(id, Node.start(config, fatal::add, knob));
    }

    private Node put(long id, Node node) {
        nodes.put(id, node);
        return node;
    }

    void stop(long id) {
        nodes.remove(id).close();
    }

    String hostPort(long id) {
        return Addresses.format(addresses.get(id));
    }

    /** A range client seeded with nodes {@code ids}, default settings. */
    RangeClient client(long... ids) {
        return client(RangeClientSettings.defaults(), ids);
    }

    RangeClient client(RangeClientSettings settings, long... ids) {
        List<String> hp = new ArrayList<>();
        for (long id : ids) hp.add(hostPort(id));
        RangeClient client = Clients.connect(hp, settings);
        addresses.forEach((id, address) -> client.learnNodeAddress(id, Addresses.format(address)));
        return client;
    }

    /** Every group's state as node {@code id} sees it (asked of that node alone, no redirect). */
    List<GroupStatus> statuses(RangeClient client, long id) {
        return client.admin(hostPort(id), AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance())
                .build()).getGroupsList();
    }

    /** Group {@code groupId} as node {@code id} sees it, or null if that node does not have it. */
    GroupStatus status(RangeClient client, long id, long groupId) {
        for (GroupStatus g : statuses(client, id)) {
            if (g.getGroupId() == groupId) return g;
        }
        return null;
    }

    /**
     * Puts and, on AMBIGUOUS_RESULT (the range client never replays a write itself), puts again.
     * Safe only where the test is the key's only writer and always writes the same value there.
     */
    static void putOwnKey(RangeClient client, byte[] key, byte[] value) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(key, value);
                return;
            } catch (KvException e) {
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT || attempt >= WRITE_ATTEMPTS) throw e;
            }
        }
    }

    /** As {@link #putOwnKey} for a delete. */
    static void deleteOwnKey(RangeClient client, byte[] key) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.delete(key);
                return;
            } catch (KvException e) {
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT || attempt >= WRITE_ATTEMPTS) throw e;
            }
        }
    }

    /** Waits until every running node sees a leader of every group; returns group 1's leader. */
    long awaitLeader(RangeClient client, int groups) {
        long[] leader = {0};
        await("a leader of every group on every node", () -> {
            for (long id : nodes.keySet()) {
                List<GroupStatus> st = statuses(client, id);
                if (st.size() < groups || st.stream().anyMatch(g -> g.getLeader() == 0)) return false;
                leader[0] = st.get(0).getLeader();
            }
            return true;
        });
        return leader[0];
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (KvException retry) {
                // a node may be starting or electing; try again
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after 20 s waiting for " + what);
    }

    private static InetSocketAddress freeAddress() throws IOException {
        return new InetSocketAddress("127.0.0.1", io.conclave.node.launch.NodeProcess.freePorts(1)[0]);
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) n.close();
        nodes.clear();
        if (!fatal.isEmpty()) throw new AssertionError("a node failed fatally", fatal.get(0));
    }
}
