package io.conclave.tests.jepsen;

import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.SetChecker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A set through SQL (JDBC): workers insert unique integers into a table split over several
 * ranges, one autocommit INSERT each; after the faults one read of the whole table. Every
 * acknowledged insert must be there, and nothing never attempted ({@link SetChecker}).
 */
final class SetWorkload implements Workload {
    static final int MAX_OPS_PER_WORKER = 20_000;
    /** Elements are spread over this span so the initial splits divide them. */
    static final long SPAN = 1_000_000;

    private RunContext context;
    private final AtomicLong next = new AtomicLong();
    private final OpCounts counts = new OpCounts();
    private final AtomicInteger nextSplit = new AtomicInteger(1);
    /**
     * Inserts refused as duplicates (23505). Each element is attempted once, so a duplicate means
     * the statement's own earlier attempt committed and was retried anyway: applied twice.
     */
    private final AtomicInteger duplicates = new AtomicInteger();

    @Override
    public String name() {
        return "set";
    }

    @Override
    public void setUp(RunContext context) throws Exception {
        this.context = context;
        try (Connection c = context.sql(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sets (v INT PRIMARY KEY)");
            s.execute("ALTER TABLE sets SPLIT AT VALUES (" + SPAN / 4 + "), (" + SPAN / 2 + "), (" + 3 * SPAN / 4 + ")");
        }
    }

    /** A unique element; consecutive ones land in different quarters of the span, so in different ranges. */
    private long element() {
        long n = next.getAndIncrement();
        return (n % 4) * (SPAN / 4) + n / 4;
    }

    @Override
    public void work(int worker, long endNanos) throws Exception {
        HistoryRecorder recorder = context.recorder();
        int process = worker;
        Connection c = null;
        try {
            for (int i = 0; i < MAX_OPS_PER_WORKER && System.nanoTime() < endNanos; i++) {
                if (c == null) c = SqlConnections.connect(context, worker);
                long v = element();
                HistoryRecorder.Handle h = recorder.invoke(process, "add", v);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO sets VALUES (" + v + ")");
                    recorder.ok(h);
                    counts.ok();
                } catch (SQLException e) {
                    Outcomes.rethrowIfBug(e);
                    if ("23505".equals(e.getSQLState())) duplicates.incrementAndGet();
                    if (Outcomes.recordSql(recorder, h, e)) {
                        counts.unknown();
                        process += context.workers();
                        BankWorkload.closeQuietly(c);
                        c = null;
                    } else {
                        counts.failed();
                    }
                }
            }
        } finally {
            if (c != null) BankWorkload.closeQuietly(c);
        }
    }

    @Override
    public void finish(long deadlineNanos) throws Exception {
        SqlConnections.finalRead(context, "the set", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM sets")) {
                List<Long> all = new ArrayList<>();
                while (rs.next()) all.add(rs.getLong(1));
                return all;
            }
        }, deadlineNanos);
    }

    @Override
    public Verdict check(History history) {
        SetChecker.Result r = SetChecker.check(history);
        boolean valid = r.isValid() && duplicates.get() == 0;
        String summary = r.finalRead() == null ? r.toString()
                : (valid ? "VALID" : "INVALID") + ": " + r.okAdds() + " acknowledged adds, " + r.lost().size()
                        + " lost, " + r.unexpected().size() + " unexpected, " + r.recovered() + " recovered, "
                        + duplicates + " applied twice (23505 on a first attempt)";
        return Verdict.of(valid, summary, r + (duplicates.get() == 0 ? ""
                : "\n" + duplicates + " inserts of elements attempted once failed with 23505: applied twice"));
    }

    @Override
    public String split(SplittableRandom random) throws Exception {
        long at = random.nextLong(1, SPAN);
        try (Connection c = context.sql(random.nextInt(context.workers())); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE sets SPLIT AT VALUES (" + at + ")");
        }
        return "sets table split at " + at;
    }

    @Override
    public String counts() {
        return counts.toString();
    }
}
