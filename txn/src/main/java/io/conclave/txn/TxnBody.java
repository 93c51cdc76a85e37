package io.conclave.txn;

/**
 * The work of one transaction attempt, given to {@link TxnClient#run}. It may run several
 * times (once per attempt), so it must have no effect outside the transaction it is given.
 */
@FunctionalInterface
public interface TxnBody<T> {
    T apply(Txn txn);
}
