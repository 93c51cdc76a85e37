package io.conclave.range.client;

import io.conclave.range.rpc.ErrorResponse;

/**
 * A request that failed for good: the stable {@link #code()} says how (TIMEOUT when the deadline
 * passed, AMBIGUOUS_RESULT when a non-idempotent write may or may not have been applied,
 * BAD_REQUEST / TOO_LARGE for a request no node would accept, ...), the message what and where.
 */
public class KvException extends RuntimeException {
    private final ErrorResponse.Code code;
    private final ErrorResponse error;

    public KvException(ErrorResponse.Code code, String message) {
        this(code, message, null);
    }

    public KvException(ErrorResponse.Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.error = ErrorResponse.newBuilder().setCode(code).setMessage(message).build();
    }

    /** A node's error answer, kept whole: transactions act on its intents, timestamps and record. */
    public KvException(ErrorResponse error, String message) {
        super(error.getCode() + ": " + message, null);
        this.code = error.getCode();
        this.error = error;
    }

    public ErrorResponse.Code code() {
        return code;
    }

    /** The node's answer when a node refused the request; else just the code and message. */
    public ErrorResponse error() {
        return error;
    }
}
