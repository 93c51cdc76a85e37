package io.conclave.sql.exec;

import io.conclave.sql.kv.ScanCounts;
import java.util.ArrayList;
import java.util.List;

/** Counters of one statement's work, for EXPLAIN ANALYZE. Confined to the session thread. */
public final class ExecStats {
    long kvGets;
    long kvScans;
    long rowsRead;
    long rowsWritten;
    long indexEntriesWritten;
    long rangeRequests;
    long rangesRead;
    int widestFanOut;
    long rowsScannedAtRanges;
    long rowsReturnedByRanges;
    long pushdownFallbacks;
    /** Key spans of tables and indexes this statement dropped: unreachable once it commits. */
    final List<byte[][]> droppedSpans = new ArrayList<>();

    /**
     * The {@code [start, end)} key spans of the tables and indexes the statement dropped. No
     * statement can reach them after the drop commits (descriptor ids are never reused), so the
     * session deletes their keys then.
     */
    public List<byte[][]> droppedSpans() {
        List<byte[][]> out = new ArrayList<>();
        for (byte[][] s : droppedSpans) {
            out.add(new byte[][] {s[0].clone(), s[1].clone()});
        }
        return out;
    }

    void add(ScanCounts c) {
        rangeRequests += c.requests();
        rangesRead += c.ranges();
        widestFanOut = Math.max(widestFanOut, c.widestRound());
        rowsScannedAtRanges += c.rowsScanned();
        rowsReturnedByRanges += c.rowsReturned();
    }

    /** Scan requests sent to ranges (pieces read again included). */
    public long rangeRequests() {
        return rangeRequests;
    }

    /** Ranges that answered, summed over the statement's scans. */
    public long rangesRead() {
        return rangesRead;
    }

    /** The most ranges one scan asked at once. */
    public int widestFanOut() {
        return widestFanOut;
    }

    /** Live rows the ranges examined for the statement's scans, before their filters. */
    public long rowsScannedAtRanges() {
        return rowsScannedAtRanges;
    }

    /** Rows the ranges sent back (after their filters). */
    public long rowsReturnedByRanges() {
        return rowsReturnedByRanges;
    }

    /** Scans whose pushed filter failed at a range and that were read again with the filter at the gateway. */
    public long pushdownFallbacks() {
        return pushdownFallbacks;
    }

    public long kvGets() {
        return kvGets;
    }

    public long kvScans() {
        return kvScans;
    }

    public long rowsRead() {
        return rowsRead;
    }

    public long rowsWritten() {
        return rowsWritten;
    }

    public long indexEntriesWritten() {
        return indexEntriesWritten;
    }
}
