package io.conclave.tests.process;

import io.conclave.node.KvClient;
import io.conclave.range.rpc.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@link ClusterKv} over the node's public {@link KvClient}, with deadlines sized for kill tests. */
final class KvClientAdapter implements ClusterKv {
    /**
     * A put may span a kill and an election (1 to 2 s of ticks) and a restart; 10 s lets it ride
     * out one fault without letting a stuck cluster hang a writer for long.
     */
    static final KvClient.Options OPTIONS = new KvClient.Options(Duration.ofSeconds(2), Duration.ofSeconds(10), 40,
            Duration.ofMillis(20), Duration.ofMillis(300));

    private final KvClient client;
    private final Map<Long, String> addressByNode;

    private KvClientAdapter(KvClient client, Map<Long, String> addressByNode) {
        this.client = client;
        this.addressByNode = Map.copyOf(addressByNode);
    }

    static KvClientAdapter connect(ProcessCluster cluster) {
        Map<Long, String> byNode = new java.util.TreeMap<>();
        for (NodeProcess n : cluster.nodes()) byNode.put(n.nodeId(), n.address());
        return new KvClientAdapter(KvClient.connect(cluster.addresses(), OPTIONS), byNode);
    }

    @Override
    public void put(String key, String value) {
        client.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<GroupStatus> status(String address) {
        return client.status(address);
    }

    @Override
    public void addReplica(long groupId, long nodeId, boolean learner) {
        client.addReplica(groupId, nodeId, addressByNode.get(nodeId), learner);
    }

    @Override
    public void removeReplica(long groupId, long nodeId) {
        client.removeReplica(groupId, nodeId);
    }

    @Override
    public void close() {
        client.close();
    }
}
