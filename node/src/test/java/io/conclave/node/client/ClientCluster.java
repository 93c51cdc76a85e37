package io.conclave.node.client;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.Node;
import io.conclave.node.NodeConfig;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.multiraft.SchedulerSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Real nodes (LMDB stores, Netty transports, schedulers) in this JVM on loopback, for client tests. */
final class ClientCluster implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(50);

    private final Path dir;
    final Map<Long, InetSocketAddress> addresses = new TreeMap<>();
    final Map<Long, Node> nodes = new TreeMap<>();
    final List<Throwable> fatal = new ArrayList<>();

    ClientCluster(Path dir, int voters) throws IOException {
        this.dir = dir;
        for (long id = 1; id <= voters; id++) addresses.put(id, freeAddress());
        for (long id = 1; id <= voters; id++) start(id);
    }

    Node start(long id) {
        NodeConfig config = new NodeConfig(id, "test", dir.resolve("n" + id), addresses.get(id), addresses,
                false, MaxOffsetSetting.DEFAULT.nanos(), 0, false, TICK, SchedulerSettings.defaults());
        Node node = Node.start(config, fatal::add);
        nodes.put(id, node);
        return node;
    }

    void stop(long id) {
        nodes.remove(id).close();
    }

    String hostPort(long id) {
        InetSocketAddress a = addresses.get(id);
        return a.getHostString() + ":" + a.getPort();
    }

    List<String> hostPorts() {
        List<String> out = new ArrayList<>();
        for (long id : addresses.keySet()) out.add(hostPort(id));
        return out;
    }

    RangeClient client(Duration deadline) {
        return Clients.connect(hostPorts(), RangeClientSettings.defaults().withDeadline(deadline));
    }

    static InetSocketAddress freeAddress() throws IOException {
        return new InetSocketAddress("127.0.0.1", io.conclave.node.launch.NodeProcess.freePorts(1)[0]);
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) n.close();
        nodes.clear();
        if (!fatal.isEmpty()) throw new AssertionError("a node failed fatally", fatal.get(0));
    }
}
