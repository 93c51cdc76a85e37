package io.conclave.sql.encoding;

/** Stored bytes do not decode: a broken invariant (a bug or corruption), never a user error. */
public final class CorruptDataException extends RuntimeException {
    public CorruptDataException(String message) {
        super(message);
    }
}
