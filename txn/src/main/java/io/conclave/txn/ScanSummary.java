package io.conclave.txn;

/**
 * What one scan cost: requests sent to ranges (retries and pieces read again included), distinct
 * ranges that answered, the most requests one round had in flight, live rows the ranges examined
 * (before a filter) and rows they returned (after it; the transaction's own writes not counted).
 */
public record ScanSummary(int requests, int ranges, int widestRound, long rowsScanned, long rowsReturned) {
    public static final ScanSummary NONE = new ScanSummary(0, 0, 0, 0, 0);
}
