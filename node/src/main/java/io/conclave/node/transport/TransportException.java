package io.conclave.node.transport;

/**
 * Why a call or a connect failed, with a stable {@link Reason} to branch on and a message naming
 * the peer. Completes {@code call} futures exceptionally; never thrown for a frame the peer
 * answered with an {@code ErrorResponse} (that is a normal response).
 */
public final class TransportException extends RuntimeException {
    /** The stable identity of a transport failure. */
    public enum Reason {
        /** No response within the call's timeout. */
        TIMEOUT,
        /** The connection carrying the request closed before the response came. */
        CONNECTION_LOST,
        /** The transport or client is closed. */
        CLOSED,
        /** The request was dropped: queue full or connection over its write limit. */
        OVERLOADED,
        /** The request encodes to more than the frame limit. */
        TOO_LARGE,
        /** The listen address could not be bound. */
        BIND_FAILED,
        /** The connection could not be opened. */
        CONNECT_FAILED,
    }

    private final Reason reason;

    public TransportException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    TransportException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
