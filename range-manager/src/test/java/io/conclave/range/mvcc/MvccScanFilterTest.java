package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.b;
import static io.conclave.range.mvcc.Harness.err;
import static io.conclave.range.mvcc.Harness.keys;
import static io.conclave.range.mvcc.Harness.ok;
import static io.conclave.range.mvcc.Harness.readAt;
import static io.conclave.range.mvcc.Harness.t;
import static io.conclave.range.mvcc.Harness.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.ErrorResponse.Code;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnScan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Filters applied by transactional scans at the range: what is kept, what counts, what is read. */
class MvccScanFilterTest {
    /**
     * Keeps values that start with the spec's text and returns their first character only; a
     * value "boom" makes it fail, as a SQL filter dividing by zero would.
     */
    private static final ScanFilter.Factory PREFIX = new ScanFilter.Factory() {
        @Override
        public String kind() {
            return "prefix";
        }

        @Override
        public ScanFilter compile(byte[] spec) {
            String prefix = new String(spec, StandardCharsets.UTF_8);
            if (prefix.equals("unreadable")) throw new ScanFilterException("spec unreadable");
            return (key, value) -> {
                String v = new String(value, StandardCharsets.UTF_8);
                if (v.equals("boom")) throw new ScanFilterException("division by zero");
                return v.startsWith(prefix) ? Arrays.copyOf(value, 1) : null;
            };
        }
    };

    private final Harness h = new Harness(1_000, ScanFilters.of(List.of(PREFIX)));
    private final TxnMeta reader = txn(1, t(100), t(100), "a");

    private Evaluation scan(String start, String end, int limit, String kind, String spec) {
        TxnScan.Builder s = TxnScan.newBuilder().setStartKey(b(start)).setEndKey(b(end)).setLimit(limit)
                .setRead(readAt(reader, t(100), null, null));
        if (kind != null) s.setFilterKind(kind).setFilter(b(spec));
        return h.run(KvRequest.newBuilder().setTxnScan(s), t(100));
    }

    private void load() {
        // a=x1 b=y2 c=x3 d (deleted) e=x5 f=y6 g=x7
        h.put("a", "x1", 10);
        h.put("b", "y2", 10);
        h.put("c", "x3", 10);
        h.put("d", "x4", 10);
        h.delete("d", 20);
        h.put("e", "x5", 10);
        h.put("f", "y6", 10);
        h.put("g", "x7", 10);
    }

    @Test
    void onlyMatchingRowsTravelProjectedAndTheReadSpanIsUnchanged() {
        load();
        Evaluation e = scan("a", "z", 100, "prefix", "x");
        KvResponse r = ok(e);
        assertEquals(List.of("a=x", "c=x", "e=x", "g=x"), keys(r));
        assertEquals(6, r.getRowsScanned(), "live values examined, kept or not (the tombstone is not one)");
        assertTrue(r.getResumeKey().isEmpty());
        assertEquals(1, e.readSpans().size());
        assertEquals("a", new String(e.readSpans().get(0)[0], StandardCharsets.UTF_8));
        assertEquals("z", new String(e.readSpans().get(0)[1], StandardCharsets.UTF_8));
    }

    @Test
    void theLimitCountsMatchesAndTheResumeKeyFollowsTheLastExaminedKey() {
        load();
        Evaluation e = scan("a", "z", 2, "prefix", "x");
        KvResponse r = ok(e);
        assertEquals(List.of("a=x", "c=x"), keys(r));
        // b was examined and left out; the scan stopped at the first key past the second match.
        assertEquals("d", r.getResumeKey().toStringUtf8());
        assertEquals(3, r.getRowsScanned());
        assertEquals("d", new String(e.readSpans().get(0)[1], StandardCharsets.UTF_8), "read up to the resume key");
        KvResponse rest = ok(scan("d", "z", 2, "prefix", "x"));
        assertEquals(List.of("e=x", "g=x"), keys(rest));
        assertTrue(rest.getResumeKey().isEmpty());
    }

    @Test
    void theRangeRowBoundCutsAFilteredScanByKeysExaminedNotByMatches() {
        Harness small = new Harness(3, ScanFilters.of(List.of(PREFIX)));
        for (String k : List.of("a", "b", "c", "d", "e")) small.put(k, "y", 10);
        small.put("f", "x", 10);
        KvResponse r = ok(small.run(KvRequest.newBuilder().setTxnScan(TxnScan.newBuilder().setStartKey(b("a"))
                .setEndKey(b("z")).setLimit(100).setRead(readAt(reader, t(100), null, null))
                .setFilterKind("prefix").setFilter(b("x"))), t(100)));
        assertEquals(List.of(), keys(r));
        assertEquals("d", r.getResumeKey().toStringUtf8(), "a scan of non-matching rows still ends each request");
    }

    @Test
    void aFailingFilterFailsTheScanAndAnUnknownKindIsRefused() {
        load();
        h.put("bb", "boom", 10);
        var failed = err(scan("a", "z", 100, "prefix", "x"), Code.FILTER_FAILED);
        assertTrue(failed.getMessage().contains("division by zero") && failed.getMessage().contains("bb"),
                failed.getMessage());
        // The failing row outside the span is never evaluated.
        assertEquals(List.of("c=x"), keys(ok(scan("c", "d", 100, "prefix", "x"))));
        assertTrue(err(scan("a", "z", 100, "prefix", "unreadable"), Code.FILTER_FAILED).getMessage()
                .contains("spec unreadable"));
        assertTrue(err(scan("a", "z", 100, "sql", "x"), Code.BAD_REQUEST).getMessage().contains("no scan filter of kind"));
    }

    @Test
    void withoutAFilterEveryLiveRowTravelsWhole() {
        load();
        KvResponse r = ok(scan("a", "z", 100, null, null));
        assertEquals(List.of("a=x1", "b=y2", "c=x3", "e=x5", "f=y6", "g=x7"), keys(r));
        assertEquals(6, r.getRowsScanned());
    }
}
