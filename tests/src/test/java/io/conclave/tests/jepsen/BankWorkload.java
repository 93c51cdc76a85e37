package io.conclave.tests.jepsen;

import io.conclave.tests.check.BankChecker;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bank through SQL (JDBC): {@link #ACCOUNTS} rows of one table split over several ranges;
 * workers move money between two accounts in explicit transactions (read, check, two updates,
 * commit) and read every balance in one statement. Every read must sum to the total with no
 * negative balance ({@link BankChecker}).
 */
final class BankWorkload implements Workload {
    static final int ACCOUNTS = 8;
    static final long INITIAL_BALANCE = 100;
    static final int MAX_AMOUNT = 5;
    static final int MAX_OPS_PER_WORKER = 5_000;

    private RunContext context;
    private final OpCounts counts = new OpCounts();
    private final AtomicInteger nextSplit = new AtomicInteger(1);

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public void setUp(RunContext context) throws Exception {
        this.context = context;
        try (Connection c = context.sql(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bank (id INT PRIMARY KEY, balance INT)");
            StringBuilder rows = new StringBuilder();
            for (int a = 0; a < ACCOUNTS; a++) {
                rows.append(a == 0 ? "" : ", ").append('(').append(a).append(", ").append(INITIAL_BALANCE).append(')');
            }
            s.execute("INSERT INTO bank VALUES " + rows);
            // Transfers and reads cross ranges: a torn transfer would show in a read.
            s.execute("ALTER TABLE bank SPLIT AT VALUES (2), (4), (6)");
        }
    }

    @Override
    public void work(int worker, long endNanos) throws Exception {
        HistoryRecorder recorder = context.recorder();
        SplittableRandom random = new SplittableRandom(context.seed() * 31 + worker);
        int process = worker;
        Connection c = null;
        try {
            for (int i = 0; i < MAX_OPS_PER_WORKER && System.nanoTime() < endNanos; i++) {
                if (c == null) c = SqlConnections.connect(context, worker);
                boolean read = random.nextInt(3) == 0;
                HistoryRecorder.Handle h;
                {
                    if (read) {
                        h = recorder.invoke(process, "read", null);
                        try {
                            recorder.ok(h, readAll(c));
                            counts.ok();
                        } catch (SQLException e) {
                            Outcomes.rethrowIfBug(e);
                            closeQuietly(c);
                            c = null;
                            // A read changes nothing: whatever happened, it is as if it failed.
                            recorder.fail(h, e.getSQLState() + " " + e.getMessage());
                            counts.failed();
                        }
                        continue;
                    }
                    long from = random.nextInt(ACCOUNTS);
                    long to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                    long amount = random.nextInt(1, MAX_AMOUNT + 1);
                    h = recorder.invoke(process, "transfer", Map.of("from", from, "to", to, "amount", amount));
                    try {
                        if (transfer(c, from, to, amount)) {
                            recorder.ok(h);
                            counts.ok();
                        } else {
                            recorder.fail(h, "insufficient funds");
                            counts.failed();
                        }
                    } catch (SQLException e) {
                        Outcomes.rethrowIfBug(e);
                        rollbackQuietly(c);
                        if (Outcomes.recordSql(recorder, h, e)) {
                            counts.unknown();
                            process += context.workers();
                            closeQuietly(c);
                            c = null;
                        } else {
                            counts.failed();
                        }
                    }
                }
            }
        } finally {
            if (c != null) closeQuietly(c);
        }
    }

    private static boolean transfer(Connection c, long from, long to, long amount) throws SQLException {
        c.setAutoCommit(false);
        try {
            long balance;
            try (PreparedStatement p = c.prepareStatement("SELECT balance FROM bank WHERE id = ?")) {
                p.setLong(1, from);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) throw new IllegalStateException("account " + from + " is missing");
                    balance = rs.getLong(1);
                }
            }
            if (balance < amount) {
                c.rollback();
                return false;
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE bank SET balance = balance - ? WHERE id = ?")) {
                p.setLong(1, amount);
                p.setLong(2, from);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE bank SET balance = balance + ? WHERE id = ?")) {
                p.setLong(1, amount);
                p.setLong(2, to);
                p.executeUpdate();
            }
            c.commit();
            return true;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // The connection broke; the caller drops it.
            }
        }
    }

    private static Map<Long, Long> readAll(Connection c) throws SQLException {
        Map<Long, Long> balances = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, balance FROM bank")) {
            while (rs.next()) balances.put(rs.getLong(1), rs.getLong(2));
        }
        return balances;
    }

    @Override
    public void finish(long deadlineNanos) throws Exception {
        // One last read after healing, recorded like the others: the bank must still add up.
        SqlConnections.finalRead(context, "the bank", BankWorkload::readAll, deadlineNanos);
    }

    @Override
    public Verdict check(History history) {
        List<Long> accounts = new ArrayList<>();
        for (long a = 0; a < ACCOUNTS; a++) accounts.add(a);
        BankChecker.Result r = BankChecker.check(history, accounts, ACCOUNTS * INITIAL_BALANCE);
        return Verdict.of(r.isValid() && r.readsChecked() > 0,
                (r.isValid() ? "VALID" : "INVALID") + ": " + r.readsChecked() + " reads, " + r.badReads().size()
                        + " bad", r.toString());
    }

    @Override
    public String split(SplittableRandom random) throws Exception {
        // Between the initial boundaries, at a new row key each time (ids beyond the accounts are
        // empty key space, still a real split of the table's span).
        int at = random.nextBoolean() ? ACCOUNTS + nextSplit.getAndIncrement() : random.nextInt(1, ACCOUNTS);
        try (Connection c = context.sql(random.nextInt(context.workers())); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE bank SPLIT AT VALUES (" + at + ")");
        }
        return "bank table split at id " + at;
    }

    @Override
    public String counts() {
        return counts.toString();
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a broken connection; nothing to do.
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) c.rollback();
        } catch (SQLException ignored) {
            // The connection broke; the caller drops it.
        }
    }
}
