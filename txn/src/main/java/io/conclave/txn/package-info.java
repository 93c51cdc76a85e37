/**
 * Transactions over ranges: the coordinator that buffers a transaction's writes, reads at its
 * timestamp, refreshes, pushes conflicting transactions and commits across ranges in two phases.
 */
package io.conclave.txn;
