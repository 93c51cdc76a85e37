package io.conclave.storage;

/**
 * The store's files are damaged in a way a crash cannot explain (a bad record followed by good
 * ones, a missing segment): the store refuses to open rather than guess. The message names the
 * file and offset.
 */
public final class StoreCorruptException extends StoreException {
    StoreCorruptException(String message) {
        super(message);
    }
}
