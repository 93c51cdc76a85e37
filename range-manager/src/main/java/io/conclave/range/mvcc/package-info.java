/**
 * Multi-version concurrency control for user keys: the store layout ({@link
 * io.conclave.range.mvcc.MvccKeys}) and the pure evaluation of every user-key request ({@link
 * io.conclave.range.mvcc.MvccEvaluator}) against a reader and a writer. No threads, no clock
 * reads: the leaseholder's decisions (its clock, the timestamp cache's floor) come in an {@link
 * io.conclave.range.mvcc.EvalContext}.
 */
package io.conclave.range.mvcc;
