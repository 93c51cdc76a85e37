package io.conclave.storage;

import java.nio.charset.StandardCharsets;

/**
 * Which cluster and node a store belongs to, written once when the node joins or bootstraps a
 * cluster and checked on every start so a node never runs on another node's data.
 */
public record StoreIdent(String clusterId, long nodeId) {
    /** Cluster ids are printed in error messages and stored with a 1-byte length. */
    public static final int MAX_CLUSTER_ID_BYTES = 255;

    public StoreIdent {
        if (clusterId == null || clusterId.isEmpty()) {
            throw new IllegalArgumentException("cluster id must not be empty");
        }
        int bytes = clusterId.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CLUSTER_ID_BYTES) {
            throw new IllegalArgumentException("cluster id of " + bytes
                    + " bytes exceeds the limit of " + MAX_CLUSTER_ID_BYTES + " bytes");
        }
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node id must be positive, got " + nodeId);
        }
    }
}
