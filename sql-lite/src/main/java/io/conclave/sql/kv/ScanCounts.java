package io.conclave.sql.kv;

/**
 * What one streamed scan cost: requests to ranges, distinct ranges that answered, the most
 * requests in flight at once, rows the ranges examined and rows they sent back.
 */
public record ScanCounts(int requests, int ranges, int widestRound, long rowsScanned, long rowsReturned) {}
