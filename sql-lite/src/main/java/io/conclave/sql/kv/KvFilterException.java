package io.conclave.sql.kv;

/**
 * A scan's filter failed where the rows are (for instance a division by zero on a row). The
 * transaction is intact: the caller may read the same rows without the filter, which tells
 * whether the failure concerns a row the statement actually sees.
 */
public class KvFilterException extends KvException {
    public KvFilterException(String message, Throwable cause) {
        super("XX000", message, cause);
    }
}
