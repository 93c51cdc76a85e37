package io.conclave.txn;

/**
 * The node this coordinator runs in hands out no timestamps for now (it is registering, or it
 * fenced itself because its liveness record expired); nothing of the transaction happened, so
 * running it again, later or through another node, is safe. SQLSTATE 57P03
 * ({@code cannot_connect_now}): what a client sees from a server that is up but not yet, or not
 * currently, serving, and answers by retrying or connecting elsewhere.
 */
public final class TxnUnavailableException extends TxnException {
    public static final String SQLSTATE = "57P03";

    public TxnUnavailableException(String message) {
        super(SQLSTATE, message, null);
    }
}
