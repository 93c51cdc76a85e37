package io.conclave.range.mvcc;

/** A scan filter could not be built or failed on a row; the message says why (for the caller's user). */
public class ScanFilterException extends RuntimeException {
    public ScanFilterException(String message) {
        super(message);
    }

    public ScanFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
