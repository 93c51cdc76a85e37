package io.conclave.node;

import io.conclave.range.rpc.ErrorResponse;

/**
 * A KV or admin request that failed for good: the cluster refused it (too large, bad request) or
 * no node answered it within the client's deadline. {@link #code()} is stable; the message says
 * what happened and where.
 */
public final class KvClientException extends RuntimeException {
    private final ErrorResponse.Code code;

    public KvClientException(ErrorResponse.Code code, String message) {
        super(message);
        this.code = code;
    }

    public KvClientException(ErrorResponse.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorResponse.Code code() {
        return code;
    }
}
