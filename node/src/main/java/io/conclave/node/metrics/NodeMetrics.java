package io.conclave.node.metrics;

import io.conclave.clock.OffsetMeasurement;
import io.conclave.clock.Timestamp;
import io.conclave.range.multiraft.SchedulerEvents;
import io.conclave.range.multiraft.SchedulerStats;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import io.conclave.storage.StoreStats;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every metric a node exports, registered in one place: the names, types and help texts below
 * are the reference, mirrored for readers in {@code docs/metrics.md} (a test keeps the two
 * equal). Counters count from the node's start.
 *
 * <p>Most values are read at scrape time from where they are kept (the scheduler's events and
 * counters, the store's statistics, the replicas' status, the clock guard's offsets, the JVM);
 * the node records the rest here: KV requests as its transport answers them, through
 * {@link #timeKv}. {@link #sample} turns the histograms into the per-second {@link TimeSeries}.
 */
public final class NodeMetrics {
    /**
     * Where the node keeps what is exported.
     *
     * @param nodeId this node's id: its replicas' status rows name it as leader and leaseholder
     * @param localStatus this node's replicas (an admin status call to its own scheduler)
     * @param now the node's hybrid clock, to tell valid leases from expired ones
     * @param sqlLatency latency of finished SQL statements, and {@code sqlStatements} their count by result
     * @param sqlRunning SQL statements running now
     */
    public record Sources(long nodeId, SchedulerEvents events, Supplier<SchedulerStats> scheduler, Supplier<StoreStats> store,
            Supplier<List<GroupStatus>> localStatus, Supplier<Timestamp> now,
            Supplier<Map<Long, OffsetMeasurement>> clockOffsets, Histogram sqlLatency, LabeledCounter sqlStatements,
            IntSupplier sqlRunning, TxnMetrics txn) {}

    private final MetricsRegistry registry = new MetricsRegistry();
    private final LabeledCounter kvRequests = new LabeledCounter("op");
    private final Counter kvErrors = new Counter();
    private final Histogram kvLatency = Histogram.latency();
    private final Histogram fsyncLatency = Histogram.latency();
    private final Sources sources;
    private final TimeSeries history = new TimeSeries();
    private Histogram.Snapshot lastSql;
    private Histogram.Snapshot lastKv;
    private Histogram.Snapshot lastCommitWait;
    private long lastRestarts;
    private long lastSampleMillis;

    public NodeMetrics(Sources sources) {
        this.sources = sources;
        registerRaft();
        registerRanges();
        registerRequests();
        registerTransactions();
        registerClockAndStorage();
        registerJvm();
    }

    private void registerRaft() {
        SchedulerEvents e = sources.events();
        registry.counter("conclave_raft_proposals_total", "Commands this node's Raft leaders proposed (a batch of "
                + "writes, a split, a lease request).", e::proposals);
        registry.counter("conclave_raft_entries_committed_total", "Committed Raft log entries this node's replicas "
                + "applied.", () -> sources.scheduler().get().entriesApplied());
        registry.counter("conclave_raft_entries_appended_total", "Raft log entries this node's replicas appended "
                + "to their logs.", () -> sources.scheduler().get().entriesPersisted());
        registry.counter("conclave_raft_elections_total", "Elections this node's replicas started (pre-vote "
                + "or vote).", e::elections);
        registry.counter("conclave_raft_leader_changes_total", "Times one of this node's replicas learned of a "
                + "new Raft leader.", e::leaderChanges);
        registry.counter("conclave_raft_snapshots_sent_total", "Raft snapshots this node's leaders sent to "
                + "followers behind the log.", e::snapshotsSent);
        registry.counter("conclave_raft_messages_sent_total", "Raft messages this node sent, heartbeats included.",
                () -> sources.scheduler().get().messagesSent());
        registry.counter("conclave_range_splits_total", "Range splits applied by a Raft leader on this node.",
                e::splits);
        registry.counter("conclave_range_replicas_destroyed_total", "Replicas this node destroyed after a member of "
                + "their range told it of their removal (replica GC).", e::replicasDestroyed);
    }

    private void registerRanges() {
        registry.gauges("conclave_ranges", "This node's replicas: all of them (state=replicas), those whose Raft "
                + "leader it is (leaders), those holding a valid lease (leases), those quiesced (quiesced).",
                "state", this::rangeCounts);
    }

    private Map<String, Long> rangeCounts() {
        List<GroupStatus> groups = sources.localStatus().get();
        Timestamp now = sources.now().get();
        long leaders = 0;
        long leases = 0;
        long quiesced = 0;
        for (GroupStatus g : groups) {
            if (g.getLeader() == sources.nodeId()) leaders++;
            if (g.getLease().getHolder() == sources.nodeId() && g.getLease().hasExpiration()
                    && Timestamp.fromProto(g.getLease().getExpiration()).isAfter(now)) {
                leases++;
            }
            if (g.getQuiesced()) quiesced++;
        }
        Map<String, Long> out = new TreeMap<>();
        out.put("replicas", (long) groups.size());
        out.put("leaders", leaders);
        out.put("leases", leases);
        out.put("quiesced", quiesced);
        return out;
    }

    private void registerRequests() {
        registry.counter("conclave_kv_requests_total", "KV requests this node's replicas answered, by operation "
                + "(get, put, scan, txn_get, txn_prepare, ...).", kvRequests);
        registry.counter("conclave_kv_errors_total", "KV requests answered with an error (not leaseholder, "
                + "range key mismatch, ...): clients retry these.", kvErrors::get);
        registry.histogram("conclave_kv_request_duration_seconds", "Time from a KV request's arrival at this node "
                + "to its answer.", kvLatency);
        registry.counter("conclave_sql_statements_total", "SQL statements this node ran for its clients, by result "
                + "(ok, error).", sources.sqlStatements());
        registry.histogram("conclave_sql_statement_duration_seconds", "Time from a SQL statement's start on this "
                + "node to its answer, retries and commit-wait included.", sources.sqlLatency());
        registry.gauge("conclave_sql_statements_running", "SQL statements running on this node now.",
                () -> sources.sqlRunning().getAsInt());
    }

    private void registerTransactions() {
        TxnMetrics t = sources.txn();
        registry.counter("conclave_txn_commits_total", "Transactions this node coordinated that committed, by kind "
                + "(one_phase, two_phase, read_only: nothing written).", t.commits);
        registry.counter("conclave_txn_restarts_total", "Transaction attempts this node coordinated that must "
                + "restart (SQLSTATE 40001), by reason.", t.restarts);
        registry.counter("conclave_txn_ambiguous_total", "Commits whose outcome is unknown (SQLSTATE 40003).",
                t.ambiguous::get);
        registry.counter("conclave_txn_aborts_total", "Transactions rolled back before they committed (by the "
                + "client, or before a restart).", t.rollbacks::get);
        registry.histogram("conclave_txn_commit_wait_seconds", "Time commits waited for every clock to pass their "
                + "timestamp before being acknowledged (commit-wait), for commits that waited.", t.commitWait);
    }

    /**
     * The commit-waits this node's leaseholders did, by how they ended (a witness round or the
     * max-offset timer), and the witness rounds' latency and failures.
     */
    public void registerCommitWaits(LongSupplier witnessed, LongSupplier timer, LongSupplier roundsFailed,
            Histogram roundLatency) {
        registry.counters("conclave_commit_waits_total", "Commit-waits this node's leaseholders finished, by how "
                + "they ended: a witness round saw every clock past the commit (witnessed) or the max offset was "
                + "waited out (timer).", "ended_by", () -> Map.of("witnessed", witnessed.getAsLong(),
                        "timer", timer.getAsLong()));
        registry.counter("conclave_commit_wait_witness_rounds_failed_total", "Witness rounds that failed (a node "
                + "did not answer in time, the registry could not be read); their waits fell back to the timer.",
                roundsFailed);
        registry.histogram("conclave_commit_wait_witness_round_seconds", "Time a witness round took: the "
                + "registry read and every node's answer.", roundLatency);
    }

    /**
     * The SQL engine's catalog leases: how many it was granted, and how many statements ran under
     * one and so read no catalog version.
     */
    public void registerCatalogLeases(LongSupplier leasesTaken, LongSupplier statementsUnderLease) {
        registry.counter("conclave_sql_catalog_leases_total", "Catalog leases this node's SQL engine was granted "
                + "(taken or renewed by a claiming read of the catalog version).", leasesTaken);
        registry.counter("conclave_sql_statements_under_catalog_lease_total", "SQL statements this node ran under "
                + "its catalog lease, reading no catalog version.", statementsUnderLease);
    }

    /**
     * The self-fence: whether this node hands out no timestamps now (registering, or its liveness
     * record expired), and the liveness records this node's witness rounds judged expired.
     */
    public void registerFence(LongSupplier fenced, LongSupplier recordsJudgedExpired) {
        registry.gauge("conclave_timestamp_fenced", "1 while this node hands out no timestamps: it is registering,"
                + " or its liveness record expired and it fenced itself; else 0.", () -> fenced.getAsLong());
        registry.counter("conclave_commit_wait_witness_records_expired_total", "Liveness records this node's witness"
                + " rounds judged expired (past expiration plus the max offset) and did not ask.", recordsJudgedExpired);
    }

    private void registerClockAndStorage() {
        registry.gauges("conclave_clock_offset_seconds", "Each peer's clock minus this node's, as last measured "
                + "by the offset guard.", "peer", () -> offsets(false));
        registry.gauges("conclave_clock_offset_error_seconds", "The error bound of each offset (half the round "
                + "trip of the measurement).", "peer", () -> offsets(true));
        registry.gauge("conclave_storage_used_bytes", "Bytes of the LMDB map in use (its high-water mark of pages).",
                () -> sources.store().get().usedBytes());
        registry.gauge("conclave_storage_map_size_bytes", "The LMDB map's size: the store's limit.",
                () -> sources.store().get().mapSizeBytes());
        registry.counter("conclave_storage_commits_total", "Write batches committed to the store (each one LMDB "
                + "transaction, one fsync when fsync is on).", () -> sources.store().get().commits());
        registry.histogram("conclave_storage_fsync_seconds", "Time in LMDB's transaction commit (page writes and "
                + "fsync) per store commit.", fsyncLatency);
        registry.gauge("conclave_storage_fsync_max_seconds", "The longest LMDB commit (fsync) since start.",
                () -> sources.store().get().maxFsyncMicros() / 1e6);
    }

    private Map<String, Double> offsets(boolean errorBound) {
        Map<String, Double> out = new TreeMap<>();
        sources.clockOffsets().get().forEach((peer, m) -> out.put(Long.toString(peer),
                (errorBound ? m.errorBoundNanos() : m.offsetNanos()) / 1e9));
        return out;
    }

    private void registerJvm() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        registry.gauges("conclave_jvm_memory_used_bytes", "JVM memory in use, by area (heap, nonheap).", "area",
                () -> Map.of("heap", memory.getHeapMemoryUsage().getUsed(),
                        "nonheap", memory.getNonHeapMemoryUsage().getUsed()));
        registry.gauge("conclave_jvm_memory_max_bytes", "The JVM's maximum heap (-Xmx).",
                () -> memory.getHeapMemoryUsage().getMax());
        registry.counters("conclave_jvm_gc_collections_total", "Garbage collections, by collector.", "collector",
                () -> gc(false));
        registry.counters("conclave_jvm_gc_seconds_total", "Time spent in garbage collection, by collector.",
                "collector", () -> gc(true));
        registry.gauge("conclave_jvm_threads", "Live JVM threads.",
                () -> ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static Map<String, Number> gc(boolean time) {
        Map<String, Number> out = new TreeMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            long v = time ? gc.getCollectionTime() : gc.getCollectionCount();
            if (v >= 0) out.put(gc.getName(), time ? v / 1e3 : v);
        }
        return out;
    }

    /**
     * Wraps the answer to one KV request so that answering it counts the request and its time.
     * {@code startNanos} is {@link System#nanoTime} at its arrival.
     */
    public Consumer<RangeReply> timeKv(KvRequest request, long startNanos, Consumer<RangeReply> answer) {
        String op = request.getOpCase().name().toLowerCase(Locale.ROOT);
        return reply -> {
            kvLatency.recordNanos(System.nanoTime() - startNanos);
            kvRequests.increment(op);
            if (reply.hasError()) kvErrors.increment();
            answer.accept(reply);
        };
    }

    /** The store's fsync times go here ({@code Store.observeFsync}). */
    public Histogram fsyncLatency() {
        return fsyncLatency;
    }

    /** Adds a point to the history: what happened since the last call. Call about once a second. */
    public synchronized void sample(long wallMillis) {
        Histogram.Snapshot sql = sources.sqlLatency().snapshot();
        Histogram.Snapshot kv = kvLatency.snapshot();
        Histogram.Snapshot wait = sources.txn().commitWait.snapshot();
        long restarts = sources.txn().restarts.total();
        if (lastSql != null && wallMillis > lastSampleMillis) {
            double seconds = (wallMillis - lastSampleMillis) / 1e3;
            Histogram.Snapshot dSql = sql.minus(lastSql);
            Histogram.Snapshot dKv = kv.minus(lastKv);
            history.add(new TimeSeries.Point(wallMillis, dSql.count() / seconds, dKv.count() / seconds,
                    dSql.quantileSeconds(0.99) * 1e3, dKv.quantileSeconds(0.99) * 1e3,
                    wait.minus(lastCommitWait).quantileSeconds(0.99) * 1e3, (restarts - lastRestarts) / seconds));
        }
        lastSql = sql;
        lastKv = kv;
        lastCommitWait = wait;
        lastRestarts = restarts;
        lastSampleMillis = wallMillis;
    }

    public TimeSeries history() {
        return history;
    }

    /** The Prometheus text of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** Every metric's name, in the order of the scrape. */
    public List<String> names() {
        return registry.names();
    }
}
