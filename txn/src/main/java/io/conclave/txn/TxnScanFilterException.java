package io.conclave.txn;

/**
 * A scan's filter failed at a range (the message says on which key and why). Nothing of that
 * piece was returned; the transaction itself is intact and may go on, for instance reading the
 * same span without the filter.
 */
public class TxnScanFilterException extends TxnException {
    public TxnScanFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
