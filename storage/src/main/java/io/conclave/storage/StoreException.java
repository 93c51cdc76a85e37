package io.conclave.storage;

/**
 * A store operation failed for a reason outside the caller's code: the disk, the map size, the
 * directory belonging to someone else. Unchecked because the only sound reaction for most
 * callers is to stop the node with the message; subclasses name the cases a caller may handle.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
