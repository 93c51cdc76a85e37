package io.conclave.storage;

/**
 * A key, value or log entry exceeds a configured limit. Raised when the write is added to a
 * {@link WriteBatch}, before anything reaches LMDB, so the batch and the store stay usable.
 */
public final class StoreLimitException extends StoreException {
    StoreLimitException(String what, long sizeBytes, String limitName, long limitBytes) {
        super(what + " of " + sizeBytes + " bytes exceeds the limit of " + limitBytes
                + " bytes (" + limitName + ")");
    }
}
