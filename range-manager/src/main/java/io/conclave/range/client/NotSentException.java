package io.conclave.range.client;

/**
 * A {@link NodeDialer} failure that certainly happened before the request left this process
 * (for example the connection could not be established), so not even a non-idempotent request
 * can have been applied.
 */
public final class NotSentException extends RuntimeException {
    public NotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}
