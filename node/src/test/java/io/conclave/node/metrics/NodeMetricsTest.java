package io.conclave.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.multiraft.SchedulerEvents;
import io.conclave.range.multiraft.SchedulerStats;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.RangeReply;
import io.conclave.storage.StoreStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The node's catalog of metrics: what it reads from its sources, and that docs/metrics.md lists exactly it. */
class NodeMetricsTest {
    private static final long NODE = 2;

    private final LabeledCounter sqlStatements = new LabeledCounter("result");
    private final Histogram sqlLatency = Histogram.latency();
    private final TxnMetrics txn = new TxnMetrics();

    private NodeMetrics metrics(List<GroupStatus> groups) {
        StoreStats store = new StoreStats(1 << 30, 81920, 4096, 10, 20, 3, 7, 0, 1, 10, 900, 100, 8, 800, 56, 0);
        return new NodeMetrics(new NodeMetrics.Sources(NODE, new SchedulerEvents(),
                () -> new SchedulerStats(1, 7, 0, 3, 11, 9, 4, 40), () -> store, () -> groups,
                () -> new Timestamp(1_000, 0), Map::of, sqlLatency, sqlStatements, () -> 1, txn));
    }

    @Test
    void rangesLeasesAndRequestsAreCounted() {
        Lease valid = Lease.newBuilder().setHolder(NODE).setExpiration(new Timestamp(2_000, 0).toProto()).build();
        Lease expired = Lease.newBuilder().setHolder(NODE).setExpiration(new Timestamp(500, 0).toProto()).build();
        List<GroupStatus> groups = List.of(
                GroupStatus.newBuilder().setGroupId(1).setLeader(NODE).setLease(valid).build(),
                GroupStatus.newBuilder().setGroupId(2).setLeader(NODE).setLease(expired).setQuiesced(true).build(),
                GroupStatus.newBuilder().setGroupId(3).setLeader(1).build());
        NodeMetrics m = metrics(groups);
        m.fsyncLatency().recordNanos(2_000_000);
        KvRequest get = KvRequest.newBuilder().setGet(KvGet.getDefaultInstance()).build();
        List<RangeReply> answered = new ArrayList<>();
        m.timeKv(get, System.nanoTime(), answered::add).accept(RangeReply.newBuilder()
                .setKvResponse(KvResponse.getDefaultInstance()).build());
        m.timeKv(get, System.nanoTime(), answered::add).accept(RangeReply.newBuilder()
                .setError(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEASEHOLDER)).build());
        assertEquals(2, answered.size(), "the answers pass through");

        String text = m.scrape();
        ExpositionTest.assertEveryLineParses(text);
        for (String line : List.of("conclave_ranges{state=\"replicas\"} 3", "conclave_ranges{state=\"leaders\"} 2",
                "conclave_ranges{state=\"leases\"} 1", "conclave_ranges{state=\"quiesced\"} 1",
                "conclave_kv_requests_total{op=\"get\"} 2", "conclave_kv_errors_total 1",
                "conclave_kv_request_duration_seconds_count 2", "conclave_raft_entries_committed_total 9",
                "conclave_storage_used_bytes 81920", "conclave_storage_fsync_max_seconds 0.0008",
                "conclave_storage_fsync_seconds_count 1", "conclave_sql_statements_running 1")) {
            assertTrue(text.contains("\n" + line + "\n"), "missing " + line + " in\n" + text);
        }
    }

    @Test
    void historyPointsAreTheChangeSinceTheLastSample() {
        NodeMetrics m = metrics(List.of());
        m.sample(10_000);
        for (int i = 0; i < 50; i++) {
            sqlLatency.recordNanos(3_000_000);
            sqlStatements.increment("ok");
        }
        m.sample(12_000); // two seconds later
        List<TimeSeries.Point> points = m.history().points();
        assertEquals(1, points.size());
        TimeSeries.Point p = points.get(0);
        assertEquals(25.0, p.sqlQps(), 1e-9);
        assertTrue(p.sqlP99Ms() > 2.5 && p.sqlP99Ms() <= 5, "p99 in the (2.5 ms, 5 ms] bucket: " + p.sqlP99Ms());
        assertTrue(Double.isNaN(p.commitWaitP99Ms()), "no commit waited");
        m.sample(13_000);
        assertEquals(0.0, m.history().points().get(1).sqlQps());
        assertEquals(1, m.history().pointsAfter(12_000).size());
    }

    @Test
    void docsListEveryMetricAndNoOther() throws IOException {
        Path doc = Path.of("..", "docs", "metrics.md");
        Set<String> documented = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(conclave_[a-z0-9_]+)` \\|").matcher(Files.readString(doc));
        while (row.find()) documented.add(row.group(1));
        NodeMetrics m = metrics(List.of());
        // What a running node registers after construction, in Node's order.
        m.registerCommitWaits(() -> 0, () -> 0, () -> 0, Histogram.latency());
        m.registerFence(() -> 0, () -> 0);
        m.registerCatalogLeases(() -> 0, () -> 0);
        assertEquals(new ArrayList<>(m.names()), new ArrayList<>(documented),
                "docs/metrics.md must list the metrics NodeMetrics registers, in the same order");
    }
}
