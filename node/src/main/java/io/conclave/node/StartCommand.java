package io.conclave.node;

import io.conclave.clock.ClockDurations;
import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.clocksync.ClockStopException;
import io.conclave.node.clocksync.ClockSyncSettings;
import io.conclave.range.multiraft.SchedulerSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Starts a node and serves until killed. Prints 'node N listening on HOST:PORT' when ready.")
final class StartCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(StartCommand.class.getName());

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory (created if missing).")
    Path store;

    @Option(names = "--node-id", required = true, paramLabel = "N", description = "This node's id (positive).")
    long nodeId;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Address to listen on.")
    String listen;

    @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...",
            description = "The initial voters of every group; a listed node bootstraps the groups on first start. "
                    + "With --join: where some existing nodes listen (for leader hints).")
    String peers;

    @Option(names = "--join", description = "Start with no groups and wait to be added "
            + "(admin add-replica --node N --address HOST:PORT).")
    boolean join;

    @Option(names = "--initial-ranges", defaultValue = "1", paramLabel = "N",
            description = "With --peers: pre-split the user keyspace into N ranges at bootstrap (default 1).")
    int initialRanges;

    @Option(names = "--cluster-id", defaultValue = "local", paramLabel = "ID", description = "Cluster name (default local).")
    String clusterId;

    @Option(names = "--max-offset", paramLabel = "DURATION",
            description = "Maximum clock offset between nodes, e.g. 250ms; every node of a cluster must use the same"
                    + " value (default 250ms). A node whose clock is off by more than 80%% of it from a majority of"
                    + " the other live nodes stops itself (exit code 3).")
    String maxOffset;

    @Option(names = "--test-clock-offset", defaultValue = "0ms", paramLabel = "DURATION",
            description = "Testing: shift this node's physical clock by this much, e.g. 750ms or -2s, to watch the"
                    + " offset guard act.")
    String testClockOffset;

    @Option(names = "--clock-check-interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "How often the node measures its peers' clocks and checks the offsets (default 1s).")
    String clockCheckInterval;

    @Option(names = "--fsync", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "Make every commit durable (default true; false only for experiments).")
    boolean fsync;

    @Option(names = "--tick", defaultValue = "100ms", paramLabel = "DURATION",
            description = "Raft tick; elections after 10 to 20 ticks, heartbeats every tick (default 100ms).")
    String tick;

    @Option(names = "--log-truncate-entries", defaultValue = "10000", paramLabel = "N",
            description = "Truncate a group's Raft log after this many applied entries (default 10000).")
    long logTruncateEntries;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        Node node = Node.start(config, StartCommand::fatal);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "conclave-shutdown"));
        System.out.println("node " + nodeId + " listening on " + Node.hostPort(node.listenAddress()));
        System.out.flush();
        new CountDownLatch(1).await(); // serve until the process is stopped
        return 0;
    }

    NodeConfig config() {
        SchedulerSettings settings = SchedulerSettings.defaults().withLogEntriesBeforeSnapshot(logTruncateEntries);
        long maxOffsetNanos = maxOffset == null ? MaxOffsetSetting.DEFAULT.nanos() : MaxOffsetSetting.parse(maxOffset).nanos();
        return new NodeConfig(nodeId, clusterId, store, HostPort.parse(listen), parsePeers(peers), join,
                maxOffsetNanos, ClockDurations.parse(testClockOffset), fsync, Duration.ofNanos(ClockDurations.parse(tick)),
                settings, ClockSyncSettings.withCheckInterval(Duration.ofNanos(ClockDurations.parse(clockCheckInterval))),
                initialRanges);
    }

    static Map<Long, InetSocketAddress> parsePeers(String text) {
        Map<Long, InetSocketAddress> out = new TreeMap<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--peers entry '" + part + "' is not ID=HOST:PORT");
            long id;
            try {
                id = Long.parseLong(part.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peers entry '" + part + "' has no numeric node id");
            }
            if (id <= 0) throw new IllegalArgumentException("--peers entry '" + part + "': node ids are positive");
            if (out.put(id, HostPort.parse(part.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--peers names node " + id + " twice");
            }
        }
        return out;
    }

    private static void fatal(Throwable t) {
        if (t instanceof ClockStopException) {
            // The guard's verdict is the whole story: one line, no stack trace, its own exit code.
            LOG.severe(t.getMessage());
            new Thread(() -> System.exit(ClockStopException.EXIT_CODE), "conclave-exit").start();
            return;
        }
        LOG.severe("node stopping after a fatal error: " + t);
        new Thread(() -> System.exit(Main.EXIT_FAILURE), "conclave-exit").start();
    }
}
