package io.conclave.tests.process;

import io.conclave.range.rpc.GroupStatus;
import java.util.List;

/** What the process tests ask of a running cluster, through the node's public client. */
interface ClusterKv extends AutoCloseable {
    /** Blocks until the put is acknowledged (committed and applied) or throws. */
    void put(String key, String value) throws Exception;

    /** Every group replica's status as the node at {@code address} sees it. */
    List<GroupStatus> status(String address) throws Exception;

    void addReplica(long groupId, long nodeId, boolean learner) throws Exception;

    void removeReplica(long groupId, long nodeId) throws Exception;

    @Override
    void close();
}
