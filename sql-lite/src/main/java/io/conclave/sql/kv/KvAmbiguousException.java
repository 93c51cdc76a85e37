package io.conclave.sql.kv;

/** A commit may or may not have happened (SQLSTATE 40003); it must not be replayed blindly. */
public class KvAmbiguousException extends RuntimeException {
    public KvAmbiguousException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
