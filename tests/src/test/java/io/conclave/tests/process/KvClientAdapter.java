package io.conclave.tests.process;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.StatusRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@link ClusterKv} over the node's public {@link RangeClient}, with deadlines sized for kill tests. */
final class KvClientAdapter implements ClusterKv {
    /**
     * A put may span a kill, an election (1 to 2 s of ticks), a lease that must run out (9 s plus
     * the maximum offset) and a restart; 20 s lets it ride out one fault without letting a stuck
     * cluster hang a writer for long.
     */
    static final RangeClientSettings SETTINGS = new RangeClientSettings(Duration.ofSeconds(2), Duration.ofSeconds(20),
            Duration.ofMillis(20), Duration.ofMillis(300), 16);

    private final RangeClient client;
    private final Map<Long, String> addressByNode;

    private KvClientAdapter(RangeClient client, Map<Long, String> addressByNode) {
        this.client = client;
        this.addressByNode = Map.copyOf(addressByNode);
        addressByNode.forEach(client::learnNodeAddress);
    }

    static KvClientAdapter connect(ProcessCluster cluster) {
        Map<Long, String> byNode = new java.util.TreeMap<>();
        for (NodeProcess n : cluster.nodes()) byNode.put(n.nodeId(), n.address());
        return new KvClientAdapter(Clients.connect(cluster.addresses(), SETTINGS), byNode);
    }

    @Override
    public void put(String key, String value) {
        client.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<GroupStatus> status(String address) {
        return client.admin(address, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build())
                .getGroupsList();
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
