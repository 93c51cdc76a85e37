package io.conclave.bench.sql;

import io.conclave.sql.Value;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.txn.TxnClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** The phases of {@code bench sql-vs-kv} against a running cluster (see the package documentation). */
final class SqlVsKv {
    /** Most rows a table of the benchmark is loaded with (the load runs through SQL, 500 rows a statement). */
    static final int MAX_ROWS = 1_000_000;
    static final int LOAD_BATCH_ROWS = 500;
    /** Bytes of the text column: rows of realistic width, so that a projection has something to save. */
    static final int PAD_BYTES = 100;
    /** Every row of the scanned table with {@code v = id % SCAN_MODULUS} = 7 matches: 1% selectivity. */
    static final int SCAN_MODULUS = 100;
    static final String SCAN_QUERY = "SELECT id, v FROM bench_scan WHERE v = 7";
    /** Highest latency tracked; slower operations are recorded at this bound. */
    static final long MAX_LATENCY_MICROS = 60_000_000L;

    private static final Pattern TABLE_ID = Pattern.compile("/Table/(\\d+)/");
    private static final Pattern SCAN_COUNTS = Pattern.compile("rows scanned (\\d+), rows returned (\\d+)");

    enum Op {
        SELECT_SQL("point read", "SQL: SELECT v, pad FROM bench_read WHERE id = ?"),
        GET_KV("point read", "KV: TxnClient get of the same row key"),
        INSERT_SQL("insert", "SQL: INSERT INTO bench_insert VALUES (?, ?, ?)"),
        PUT_KV("insert", "KV: TxnClient put of a row value of the same size");

        final String work;
        final String how;

        Op(String work, String how) {
            this.work = work;
            this.how = how;
        }
    }

    record PhaseResult(Op op, int threads, long ops, long errors, double seconds, Histogram latencyMicros,
                       String firstError) {
        double perSecond() {
            return seconds > 0 ? ops / seconds : 0;
        }
    }

    record ScanResult(boolean pushdown, long rowsScanned, long rowsReturned, long resultRows, Histogram latencyMicros) {}

    private final List<String> addresses;
    private final TxnClient kv;
    private final boolean commitWait;
    private final long seed;
    private final AtomicLong nextInsertId = new AtomicLong();
    private final AtomicLong nextPutId = new AtomicLong();
    private int readRows;
    private long readTable;
    private long putTable;
    private byte[] rowValue;

    SqlVsKv(List<String> addresses, TxnClient kv, boolean commitWait, long seed) {
        this.addresses = List.copyOf(addresses);
        this.kv = kv;
        this.commitWait = commitWait;
        this.seed = seed;
    }

    /** A JDBC connection to node {@code i % nodes}, with this run's commit-wait. */
    Connection connect(int i) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:conclave://" + addresses.get(i % addresses.size()));
        try (Statement s = c.createStatement()) {
            s.execute("SET commit_wait = " + (commitWait ? "on" : "off"));
        }
        return c;
    }

    void load(int rows, int scanRows, int scanRanges) throws SQLException {
        readRows = rows;
        try (Connection c = connect(0); Statement s = c.createStatement()) {
            for (String table : List.of("bench_read", "bench_insert", "bench_put", "bench_scan")) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT, pad TEXT)");
            }
            insertRows(s, "bench_read", rows);
            insertRows(s, "bench_scan", scanRows);
            for (int k = 1; k < scanRanges; k++) {
                s.execute("ALTER TABLE bench_scan SPLIT AT VALUES (" + (long) k * scanRows / scanRanges + ")");
            }
            readTable = tableId(s, "bench_read");
            putTable = tableId(s, "bench_put");
        }
        Optional<byte[]> value = kv.run(t -> t.get(rowKey(readTable, 0)));
        rowValue = value.orElseThrow(() -> new IllegalStateException("row 0 of bench_read is not at "
                + TableKeys.pretty(rowKey(readTable, 0)) + ": the benchmark's key encoding is wrong"));
    }

    private static void insertRows(Statement s, String table, int rows) throws SQLException {
        String pad = "x".repeat(PAD_BYTES);
        for (int from = 0; from < rows; from += LOAD_BATCH_ROWS) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
            for (int id = from; id < Math.min(rows, from + LOAD_BATCH_ROWS); id++) {
                sql.append(id == from ? "" : ", ").append('(').append(id).append(", ").append(id % SCAN_MODULUS)
                        .append(", '").append(pad).append("')");
            }
            s.execute(sql.toString());
        }
    }

    /** The descriptor id of {@code table}, as its plan names its key span. */
    static long tableId(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPLAIN SELECT * FROM " + table + " WHERE id = 1")) {
            while (rs.next()) {
                Matcher m = TABLE_ID.matcher(rs.getString(1));
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        throw new IllegalStateException("EXPLAIN of " + table + " names no /Table/<id>/ span");
    }

    static byte[] rowKey(long tableId, long id) {
        return TableKeys.key(tableId, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofInt(id)));
    }

    /** {@code threads} closed loops of {@code op}: warm-up, then the measured window. */
    PhaseResult run(Op op, int threads, long warmupNanos, long durationNanos) throws InterruptedException {
        Histogram total = new Histogram(MAX_LATENCY_MICROS, 3);
        long[] ops = new long[threads];
        long[] errors = new long[threads];
        String[] firstError = new String[threads];
        Histogram[] latencies = new Histogram[threads];
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int lane = i;
            latencies[i] = new Histogram(MAX_LATENCY_MICROS, 3);
            Thread t = new Thread(() -> lane(op, lane, measureFrom, end, latencies[lane], ops, errors, firstError),
                    "bench-" + op + "-" + i);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        long count = 0;
        long failed = 0;
        String first = null;
        for (int i = 0; i < threads; i++) {
            total.add(latencies[i]);
            count += ops[i];
            failed += errors[i];
            if (first == null) {
                first = firstError[i];
            }
        }
        return new PhaseResult(op, threads, count, failed, durationNanos / 1e9, total, first);
    }

    private void lane(Op op, int lane, long measureFrom, long end, Histogram latency, long[] ops, long[] errors,
                      String[] firstError) {
        SplittableRandom random = new SplittableRandom(seed * 31 + lane);
        try (Connection c = op == Op.SELECT_SQL || op == Op.INSERT_SQL ? connect(lane) : null;
             PreparedStatement ps = c == null ? null : c.prepareStatement(op == Op.SELECT_SQL
                     ? "SELECT v, pad FROM bench_read WHERE id = ?" : "INSERT INTO bench_insert VALUES (?, ?, ?)")) {
            String pad = "x".repeat(PAD_BYTES);
            while (true) {
                long began = System.nanoTime();
                if (began - end >= 0) {
                    return;
                }
                try {
                    once(op, ps, random, pad);
                    if (began - measureFrom >= 0) {
                        latency.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - began) / 1_000));
                        ops[lane]++;
                    }
                } catch (SQLException | RuntimeException e) {
                    if (began - measureFrom >= 0) {
                        errors[lane]++;
                    }
                    if (firstError[lane] == null) {
                        firstError[lane] = e.toString();
                    }
                }
            }
        } catch (SQLException e) {
            firstError[lane] = "connect: " + e;
            errors[lane]++;
        }
    }

    private void once(Op op, PreparedStatement ps, SplittableRandom random, String pad) throws SQLException {
        switch (op) {
            case SELECT_SQL -> {
                ps.setLong(1, random.nextInt(readRows));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("a loaded row is missing");
                    }
                }
            }
            case GET_KV -> {
                long id = random.nextInt(readRows);
                if (kv.run(t -> t.get(rowKey(readTable, id))).isEmpty()) {
                    throw new IllegalStateException("a loaded row key is missing");
                }
            }
            case INSERT_SQL -> {
                long id = nextInsertId.getAndIncrement();
                ps.setLong(1, id);
                ps.setLong(2, id % SCAN_MODULUS);
                ps.setString(3, pad);
                ps.executeUpdate();
            }
            case PUT_KV -> {
                long id = nextPutId.getAndIncrement();
                kv.run(t -> {
                    t.put(rowKey(putTable, id), rowValue);
                    return null;
                });
            }
        }
    }

    /** The filtered scan, {@code queries} times one after the other, with scan_pushdown on or off. */
    ScanResult scan(boolean pushdown, int queries) throws SQLException {
        Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
        try (Connection c = connect(0); Statement s = c.createStatement()) {
            s.execute("SET scan_pushdown = " + (pushdown ? "on" : "off"));
            long[] counts = scanCounts(s);
            long resultRows = 0;
            for (int i = 0; i < queries; i++) {
                long began = System.nanoTime();
                resultRows = 0;
                try (ResultSet rs = s.executeQuery(SCAN_QUERY)) {
                    while (rs.next()) {
                        resultRows++;
                    }
                }
                latency.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - began) / 1_000));
            }
            return new ScanResult(pushdown, counts[0], counts[1], resultRows, latency);
        }
    }

    private static long[] scanCounts(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPLAIN ANALYZE " + SCAN_QUERY)) {
            while (rs.next()) {
                Matcher m = SCAN_COUNTS.matcher(rs.getString(1));
                if (m.find()) {
                    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
                }
            }
        }
        throw new IllegalStateException("EXPLAIN ANALYZE reported no rows scanned at the ranges");
    }

    // ---- report ----

    static String row(PhaseResult r) {
        Histogram h = r.latencyMicros();
        return String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %d |", r.op().work, r.op().how,
                r.threads(), r.perSecond(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                h.getMean() / 1000.0, r.errors());
    }

    static String scanRow(ScanResult r) {
        Histogram h = r.latencyMicros();
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.1f |", r.pushdown() ? "on" : "off",
                r.rowsScanned(), r.rowsReturned(), r.resultRows(), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(99)), h.getMean() / 1000.0);
    }

    static String report(List<PhaseResult> points, List<ScanResult> scans, int threads, Duration warmup,
                         Duration duration, int rows, int scanRows, int scanRanges, boolean commitWait,
                         String machineAtStart, String loadAtEnd) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "SQL against KV: 3 nodes on 127.0.0.1, fsync on, commit-wait %s, %d threads,"
                + " %.1f s warm-up + %.1f s measured per row, %d rows to read; machine at start: %s; load average at end: %s%n%n",
                commitWait ? "on" : "off", threads, warmup.toMillis() / 1000.0, duration.toMillis() / 1000.0, rows,
                machineAtStart, loadAtEnd));
        b.append("| work | how | threads | ops/s | p50 ms | p99 ms | mean ms | errors |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        points.forEach(p -> b.append(row(p)).append('\n'));
        for (String work : List.of("point read", "insert")) {
            PhaseResult sql = null;
            PhaseResult kvSide = null;
            for (PhaseResult p : points) {
                if (p.op().work.equals(work)) {
                    if (p.op().name().endsWith("_SQL")) {
                        sql = p;
                    } else {
                        kvSide = p;
                    }
                }
            }
            if (sql != null && kvSide != null && sql.ops() > 0 && kvSide.ops() > 0) {
                double sqlMean = sql.latencyMicros().getMean() / 1000.0;
                double kvMean = kvSide.latencyMicros().getMean() / 1000.0;
                b.append(String.format(Locale.ROOT, "%nSQL layer cost, %s: %.2f ms mean per statement over the KV call"
                        + " (%.1fx the KV latency; %.0f%% of the KV throughput)", work, sqlMean - kvMean,
                        sqlMean / kvMean, 100.0 * sql.perSecond() / kvSide.perSecond()));
            }
        }
        b.append(String.format(Locale.ROOT, "%n%nFiltered scan `%s` (1%% of %d rows, table split into %d ranges),"
                + " one query at a time:%n%n", SCAN_QUERY, scanRows, scanRanges));
        b.append("| scan_pushdown | rows scanned at ranges | rows sent by ranges | result rows | p50 ms | p99 ms | mean ms |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        scans.forEach(s -> b.append(scanRow(s)).append('\n'));
        b.append("\nAn INSERT does more KV work than a put: it reads the primary key first (a unique check), so its"
                + " cost over the put includes that read. Rows scanned and sent come from EXPLAIN ANALYZE.\n");
        return b.toString();
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
