package io.conclave.node.cluster;

import io.conclave.range.rpc.ErrorResponse;

/**
 * A cluster-life request that failed: init of an initialized cluster, a join refused by a node
 * of another cluster, a node that cannot be reached. The code says which, the message says
 * what, where, and what to do.
 */
public final class ClusterException extends RuntimeException {
    private final ErrorResponse.Code code;

    public ClusterException(ErrorResponse.Code code, String message) {
        super(message);
        this.code = code;
    }

    public ClusterException(ErrorResponse.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorResponse.Code code() {
        return code;
    }

    /** Whether asking again later may succeed (the node is unreachable or not initialized yet). */
    public boolean retryable() {
        return code == ErrorResponse.Code.TIMEOUT || code == ErrorResponse.Code.RANGE_NOT_FOUND;
    }
}
