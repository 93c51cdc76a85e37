package io.conclave.bench;

import io.conclave.range.rpc.GroupStatus;
import java.util.List;
import java.util.Map;

/** What the benchmark needs from a running cluster, behind the node's public client. */
interface NodeAccess {
    /**
     * A writer that keeps up to {@code maxInFlight} puts outstanding against a cluster of
     * {@code groupCount} groups whose leaders were last seen at {@code leaderByGroup}.
     */
    KvWriter writer(List<String> addresses, int maxInFlight, int groupCount, Map<Long, String> leaderByGroup);

    /** The status of every group replica on the node at {@code address}. */
    List<GroupStatus> status(String address) throws Exception;
}
