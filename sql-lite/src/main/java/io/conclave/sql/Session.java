package io.conclave.sql;

import io.conclave.clock.Timestamp;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.catalog.Catalog;
import io.conclave.sql.catalog.CatalogChangedException;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.exec.Deadline;
import io.conclave.sql.exec.ExecStats;
import io.conclave.sql.exec.Executor;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.KvAmbiguousException;
import io.conclave.sql.kv.KvException;
import io.conclave.sql.kv.KvRetryException;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnStats;
import io.conclave.sql.parser.StatementParser;
import io.conclave.sql.auth.Authorizer;
import io.conclave.txn.ClusterSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One client's conversation: statements run one at a time, each in an implicit transaction
 * (retried on 40001 within {@link ImplicitRetries}' budget) or in the explicit
 * transaction opened by BEGIN. An error inside an explicit transaction aborts it: every
 * statement then fails with 25P02 until ROLLBACK (COMMIT also ends it, as a rollback).
 * Not thread-safe: one thread per session.
 */
public final class Session implements AutoCloseable {
    /**
     * The session settings SET accepts, with their defaults. Commit-wait is on by default: a
     * commit is acknowledged only once every clock has passed its timestamp (strict
     * serializability); {@code SET commit_wait = off} trades that for latency.
     */
    private static final Map<String, String> DEFAULT_SETTINGS = Map.of(
            "commit_wait", "on",
            // Filters and projections of primary-index scans evaluated at the ranges (when the
            // store can): off reads every row to the gateway, for comparison and diagnosis.
            "scan_pushdown", "on",
            "statement_timeout", "0",
            "application_name", "");

    /** Keys a dropped table's clean-up deletes per transaction (each transaction's write buffer holds them). */
    static final int CLEAR_BATCH_KEYS = 1_000;
    /** Clean-up transactions per dropped span: 10 million keys; what is left stays as unreachable data. */
    static final int MAX_CLEAR_BATCHES = 10_000;
    /** Failed clean-up transactions per dropped span before the rest is left behind. */
    static final int MAX_CLEAR_FAILURES = 5;

    /** Parsed statements a session keeps (each holds its AST; statements are at most 1 MiB). */
    public static final int MAX_CACHED_STATEMENTS = 128;
    /** Statements longer than this are not kept in the cache (they are rarely repeated). */
    private static final int MAX_CACHED_STATEMENT_CHARS = 4_096;

    private final SqlEngine engine;
    private final String user;
    private final Map<String, String> settings = new LinkedHashMap<>(new java.util.TreeMap<>(DEFAULT_SETTINGS));
    /**
     * Parsed statements by their text, so a statement run again (a prepared statement, a
     * benchmark loop) is not parsed again. Least recently used ones are dropped beyond the bound.
     */
    private final Map<String, Statement> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Statement> eldest) {
            return size() > MAX_CACHED_STATEMENTS;
        }
    };
    /** statement_timeout in nanoseconds (0: none), parsed once when SET rather than per statement. */
    private long statementTimeoutNanos;
    /** The current statement's parameter values (only set while it runs). */
    private List<Value> parameters = List.of();
    private SqlTxn explicit;
    /**
     * Whether this session SET commit_wait: only then does it override the cluster setting
     * (SET CLUSTER SETTING commit_wait) for its transactions.
     */
    private boolean commitWaitSet;
    /** What RESET returns to ({@link #markStartSettings}); the defaults until then. */
    private Map<String, String> startSettings = DEFAULT_SETTINGS;
    private boolean startCommitWaitSet;
    /** Spans the explicit transaction's DROPs made unreachable: cleared if it commits. */
    private final List<byte[][]> explicitDropped = new ArrayList<>();
    private boolean explicitChangedCatalog;
    /**
     * The catalog the explicit transaction read with its first statement, for the statements
     * after it: the version key is in the transaction's reads, so any read timestamp it moves to
     * is refreshed only if the catalog did not change, and reading it again per statement would
     * only cost a round trip. Null once the transaction changed the catalog itself.
     */
    private CatalogView explicitCatalog;
    private boolean aborted;
    private boolean closed;

    Session(SqlEngine engine, String user) {
        this.engine = engine;
        this.user = user;
    }

    /** The user this session runs as; its privileges are checked before each statement (root's never are). */
    public String user() {
        return user;
    }

    /** The current settings (read-only view): {@code commit_wait} is "on" or "off". */
    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }

    /** Whether an explicit transaction is open (BEGIN without COMMIT/ROLLBACK yet). */
    public boolean inTransaction() {
        return explicit != null;
    }

    /** Runs one statement. Throws {@link SqlException} with a SQLSTATE; never another exception type. */
    public Result execute(String sql) {
        return execute(sql, List.of());
    }

    /**
     * Runs one statement whose {@code $1, $2, ...} (or {@code ?, ?, ...}) take the given values.
     * A STRING or NULL parameter is typed by its context, like a quoted literal; others keep
     * their type. A missing parameter is 42P02.
     */
    public Result execute(String sql, List<Value> parameters) {
        if (closed) {
            throw new SqlException("08003", "session is closed");
        }
        Statement statement;
        try {
            statement = parse(sql);
        } catch (SqlException e) {
            if (explicit != null) {
                aborted = true;
            }
            throw e;
        }
        this.parameters = List.copyOf(parameters);
        try {
            return dispatch(statement);
        } catch (SqlException e) {
            // As in PostgreSQL, any error inside BEGIN aborts it; a second BEGIN is only refused.
            if (explicit != null && !e.sqlState().equals(SqlState.ACTIVE_TRANSACTION)) {
                aborted = true;
            }
            throw e;
        } catch (RuntimeException bug) {
            abortExplicit();
            throw internal(bug);
        } catch (StackOverflowError deep) {
            // A tree of operators too deep to bind or evaluate; the stack has unwound by now.
            abortExplicit();
            throw StatementParser.tooComplex();
        } finally {
            this.parameters = List.of();
        }
    }

    /**
     * Whether {@code sql} takes parameters bound by {@link #execute(String, List)}: a SELECT (not
     * AS OF SYSTEM TIME), INSERT, UPDATE or DELETE that parses. Other statements read their
     * parameters nowhere, so a client must write them into the text as literals. Parses through
     * the session's statement cache, so the statement that follows is not parsed again.
     */
    public boolean bindsParameters(String sql) {
        if (closed || sql == null) {
            return false;
        }
        Statement statement;
        try {
            statement = parse(sql);
        } catch (SqlException e) {
            return false;
        }
        return isRowStatement(statement)
                && !(statement instanceof Statement.Select select && select.asOf() != null);
    }

    /** SELECT, INSERT, UPDATE or DELETE: statements that only read the catalog. */
    private static boolean isRowStatement(Statement s) {
        return s instanceof Statement.Select || s instanceof Statement.Insert || s instanceof Statement.Update
                || s instanceof Statement.Delete;
    }

    private Statement parse(String sql) {
        Statement statement = sql == null ? null : parsed.get(sql);
        if (statement == null) {
            statement = StatementParser.parse(sql);
            if (sql.length() <= MAX_CACHED_STATEMENT_CHARS) {
                parsed.put(sql, statement);
            }
        }
        return statement;
    }

    private Result dispatch(Statement s) {
        if (aborted) {
            if (s instanceof Statement.Rollback || s instanceof Statement.Commit) {
                endExplicit(false);
                return Result.tagOnly("ROLLBACK");
            }
            throw new SqlException(SqlState.IN_FAILED_TRANSACTION,
                    "current transaction is aborted, commands ignored until end of transaction block");
        }
        if (s instanceof Statement.Begin) {
            if (explicit != null) {
                throw new SqlException(SqlState.ACTIVE_TRANSACTION, "there is already a transaction in progress");
            }
            SqlTxn txn = kvCall(() -> engine.kv().begin());
            if (commitWaitSet) {
                boolean wait = commitWait();
                kvCall(() -> {
                    txn.setCommitWait(wait);
                    return null;
                });
            }
            explicit = txn;
            explicitChangedCatalog = false;
            explicitCatalog = null;
            return Result.tagOnly("BEGIN");
        }
        if (s instanceof Statement.Commit) {
            if (explicit == null) {
                throw new SqlException(SqlState.NO_ACTIVE_TRANSACTION, "there is no transaction in progress");
            }
            SqlTxn txn = explicit;
            List<byte[][]> dropped = List.copyOf(explicitDropped);
            endExplicit(true);
            try {
                commit(txn);
            } catch (RuntimeException e) {
                rollbackQuietly(txn);
                throw translate(e);
            }
            clearDropped(dropped);
            return Result.tagOnly("COMMIT");
        }
        if (s instanceof Statement.Rollback) {
            if (explicit != null) {
                endExplicit(false);
            }
            return Result.tagOnly("ROLLBACK");
        }
        if (s instanceof Statement.SetVariable set) {
            return set(set);
        }
        if (s instanceof Statement.SetClusterSetting set) {
            return setClusterSetting(set);
        }
        if (s instanceof Statement.ShowClusterSetting show) {
            return showClusterSetting(show);
        }
        if (s instanceof Statement.ResetVariable reset) {
            return reset(reset);
        }
        if (s instanceof Statement.ShowVariable show) {
            if (show.name().equals("all")) {
                List<List<Value>> rows = new ArrayList<>();
                for (String name : settings.keySet()) {
                    rows.add(List.of(Value.ofString(name), Value.ofString(effectiveSetting(name))));
                }
                return new Result(List.of(new Column("name", SqlType.STRING), new Column("setting", SqlType.STRING)),
                        rows, rows.size(), "SHOW");
            }
            if (!settings.containsKey(show.name())) {
                throw unknownSetting(show.name());
            }
            return new Result(List.of(new Column(show.name(), SqlType.STRING)),
                    List.of(List.of(Value.ofString(effectiveSetting(show.name())))), 1, "SHOW");
        }
        if (s instanceof Statement.Explain explain) {
            return explain(explain);
        }
        if (s instanceof Statement.Select select && select.asOf() != null) {
            return asOf(select);
        }
        return run(s).result();
    }

    // ---- running statements ----

    /** What one run of a statement produced and cost. */
    private record Outcome(Result result, ExecStats stats, TxnStats txnStats, CommitInfo commit,
                           List<String> restartReasons, long executeNanos, long commitNanos) {}

    private Outcome run(Statement s) {
        if (explicit != null) {
            return inExplicit(s);
        }
        List<String> restarts = new ArrayList<>();
        Deadline deadline = deadline();
        // A statement that only uses the catalog is planned against the cached one, its version
        // checked with the statement's first read; after a mismatch it runs with the one it reads.
        boolean speculate = isRowStatement(s);
        ImplicitRetries retries = new ImplicitRetries(engine.clockNanos());
        for (int attempt = 1; ; attempt++) {
            deadline.check();
            SqlTxn txn = kvCall(() -> engine.kv().begin());
            try {
                if (commitWaitSet) {
                    txn.setCommitWait(commitWait());
                }
                long start = clockNanos();
                Catalog.Speculation speculation = speculate ? engine.catalog().speculate(txn) : null;
                SqlTxn work = speculation == null ? txn : speculation.txn();
                CatalogView catalog = speculation == null ? engine.catalog().view(txn, false) : speculation.view();
                Executor executor = executor(work, catalog, deadline);
                Result result;
                try {
                    result = executor.execute(s);
                } catch (SqlException e) {
                    if (speculation != null) {
                        speculation.verify(); // the error may come from a stale cached catalog
                    }
                    throw e;
                }
                long executed = clockNanos();
                TxnStats txnStats = work.stats();
                CommitInfo commit = commit(work);
                long committed = clockNanos();
                engine.catalog().committed(catalog);
                clearDropped(executor.stats().droppedSpans());
                return new Outcome(result, executor.stats(), txnStats, commit, restarts, executed - start, committed - executed);
            } catch (KvRetryException retry) {
                rollbackQuietly(txn);
                restarts.add(retry.reason());
                speculate &= !(retry instanceof CatalogChangedException);
                if (!retries.another(attempt)) {
                    throw retryError(retry, attempt);
                }
            } catch (SqlException e) {
                rollbackQuietly(txn);
                if (e.isRetryable() && retries.another(attempt)) {
                    restarts.add("SERIALIZATION_FAILURE");
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                rollbackQuietly(txn);
                throw translate(e);
            }
        }
    }

    private Outcome inExplicit(Statement s) {
        try {
            long start = clockNanos();
            CatalogView catalog = explicitCatalog != null ? explicitCatalog
                    : engine.catalog().view(explicit, explicitChangedCatalog);
            Executor executor = executor(explicit, catalog, deadline());
            Result result = executor.execute(s);
            explicitChangedCatalog |= catalog.changed();
            explicitCatalog = explicitChangedCatalog ? null : catalog;
            explicitDropped.addAll(executor.stats().droppedSpans());
            return new Outcome(result, executor.stats(), explicit.stats(), null, List.of(), clockNanos() - start, 0);
        } catch (RuntimeException e) {
            aborted = true;
            throw e instanceof SqlException sql ? sql : translate(e);
        }
    }

    private Result asOf(Statement.Select select) {
        if (explicit != null) {
            throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED,
                    "AS OF SYSTEM TIME is only allowed outside an explicit transaction");
        }
        Timestamp asOf = AsOfSystemTime.resolve(select.asOf(), kvCall(() -> engine.kv().now()));
        SqlTxn txn = kvCall(() -> engine.kv().beginReadOnly(asOf));
        try {
            CatalogView catalog = engine.catalog().view(txn, false);
            Result result = executor(txn, catalog, deadline()).execute(select);
            commit(txn);
            return result;
        } catch (KvRetryException e) {
            rollbackQuietly(txn);
            throw retryError(e, 1);
        } catch (SqlException e) {
            rollbackQuietly(txn);
            throw e;
        } catch (RuntimeException e) {
            rollbackQuietly(txn);
            throw translate(e);
        }
    }

    private Result explain(Statement.Explain explain) {
        Statement inner = explain.statement();
        if (inner instanceof Statement.Explain) {
            throw new SqlException(SqlState.SYNTAX_ERROR, "EXPLAIN of EXPLAIN is not supported");
        }
        List<String> lines = new ArrayList<>();
        if (!explain.analyze()) {
            SqlTxn txn = explicit != null ? explicit : kvCall(() -> engine.kv().begin());
            try {
                CatalogView catalog = engine.catalog().view(txn, explicit != null && explicitChangedCatalog);
                lines.addAll(executor(txn, catalog, Deadline.none()).explain(inner));
            } finally {
                if (explicit == null) {
                    rollbackQuietly(txn);
                }
            }
        } else {
            if (!(inner instanceof Statement.Select || inner instanceof Statement.Insert
                    || inner instanceof Statement.Update || inner instanceof Statement.Delete)) {
                throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED,
                        "EXPLAIN ANALYZE supports SELECT, INSERT, UPDATE and DELETE");
            }
            if (inner instanceof Statement.Select select && select.asOf() != null) {
                throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED, "EXPLAIN ANALYZE of AS OF SYSTEM TIME is not supported");
            }
            Outcome outcome = run(inner);
            lines.addAll(analyzeLines(outcome));
        }
        List<List<Value>> rows = new ArrayList<>();
        for (String line : lines) {
            rows.add(List.of(Value.ofString(line)));
        }
        return new Result(List.of(new Column("info", SqlType.STRING)), rows, rows.size(), "EXPLAIN");
    }

    private static List<String> analyzeLines(Outcome o) {
        List<String> out = new ArrayList<>();
        Result r = o.result();
        out.add("rows returned: " + (r.columns().isEmpty() ? 0 : r.rows().size())
                + (r.columns().isEmpty() ? ", rows affected: " + r.rowCount() : ""));
        out.add("rows read: " + o.stats().rowsRead() + ", rows written: " + o.stats().rowsWritten()
                + ", index entries written: " + o.stats().indexEntriesWritten());
        out.add("kv requests: " + o.stats().kvGets() + " gets, " + o.stats().kvScans() + " scans");
        ExecStats x = o.stats();
        out.add("scans at the ranges: rows scanned " + x.rowsScannedAtRanges() + ", rows returned "
                + x.rowsReturnedByRanges() + ", requests " + x.rangeRequests() + ", ranges " + x.rangesRead()
                + ", at most " + x.widestFanOut() + " in parallel"
                + (x.pushdownFallbacks() > 0 ? ", filter failed at a range and was evaluated here "
                + x.pushdownFallbacks() + "x" : ""));
        TxnStats t = o.txnStats();
        out.add("ranges touched: " + t.rangesTouched() + ", nodes touched: " + t.nodesTouched()
                + ", raft rounds: " + t.raftWrites() + ", kv reads sent: " + t.reads());
        List<String> restarts = new ArrayList<>(o.restartReasons());
        t.restartReasons().forEach((reason, n) -> restarts.add(reason + " x" + n));
        out.add("transaction restarts: " + o.restartReasons().size() + (restarts.isEmpty() ? "" : " (" + String.join(", ", restarts) + ")"));
        out.add("uncertainty window: " + (t.uncertaintyLimit() == null ? "none" : "reads up to " + t.uncertaintyLimit()));
        String commit = o.commit() == null ? "not committed (explicit transaction)"
                : millis(o.commitNanos()) + " (of which commit-wait " + millis(o.commit().commitWaitNanos()) + ")"
                  + (o.commit().onePhase() ? ", one-phase" : "");
        out.add("time: execution " + millis(o.executeNanos()) + ", kv reads " + millis(t.readNanos())
                + ", commit " + commit);
        return out;
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    // ---- settings ----

    private Result set(Statement.SetVariable set) {
        String name = set.name();
        if (!DEFAULT_SETTINGS.containsKey(name)) {
            throw unknownSetting(name);
        }
        String value = set.value();
        if (name.equals("scan_pushdown") || name.equals("commit_wait")) {
            value = onOff(name, value);
        }
        apply(name, value, true);
        return Result.setting(name, value);
    }

    /**
     * Makes {@code value} the session's setting {@code name}, with what follows from it;
     * {@code commitWaitSet}: whether a commit_wait value overrides the cluster's setting.
     */
    private void apply(String name, String value, boolean commitWaitSet) {
        if (name.equals("statement_timeout")) {
            statementTimeoutNanos = parseDuration(value);
        }
        settings.put(name, value);
        if (name.equals("commit_wait")) {
            this.commitWaitSet = commitWaitSet;
            if (explicit != null) {
                boolean on = effectiveSetting(name).equals("on");
                kvCall(() -> {
                    explicit.setCommitWait(on);
                    return null;
                });
            }
        }
    }

    /** A setting's value as it applies to this session's next transaction. */
    private String effectiveSetting(String name) {
        if (name.equals("commit_wait") && !commitWaitSet) {
            // Not set in this session: the cluster's setting decides.
            return inOwnTransaction(txn -> ClusterSettings.decode(ClusterSettings.COMMIT_WAIT,
                    txn.get(ClusterSettings.key(ClusterSettings.COMMIT_WAIT))));
        }
        return settings.get(name);
    }

    /**
     * The settings as they are now become the ones RESET returns to: called once the options the
     * client started the session with are set, as PostgreSQL resets to a connection's options.
     */
    public void markStartSettings() {
        startSettings = Map.copyOf(settings);
        startCommitWaitSet = commitWaitSet;
    }

    /** RESET name (or ALL) or SET name TO DEFAULT: the value the session started with. */
    private Result reset(Statement.ResetVariable reset) {
        String name = reset.name();
        if (name != null && !DEFAULT_SETTINGS.containsKey(name)) {
            throw unknownSetting(name);
        }
        List<String> names = name == null ? List.copyOf(settings.keySet()) : List.of(name);
        for (String n : names) {
            apply(n, startSettings.get(n), startCommitWaitSet);
        }
        return Result.settingsReset(reset.tag(), names);
    }

    private static String onOff(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1", "yes" -> "on";
            case "off", "false", "0", "no" -> "off";
            default -> throw new SqlException(SqlState.INVALID_PARAMETER_VALUE,
                    "invalid value for " + name + ": \"" + value + "\" (expected on or off)");
        };
    }

    /** An executor for one statement in {@code txn}, with this session's scan pushdown. */
    private Executor executor(SqlTxn txn, CatalogView catalog, Deadline deadline) {
        boolean pushdown = "on".equals(settings.get("scan_pushdown")) && engine.kv().filtersScans();
        return new Executor(txn, catalog, engine.admin(), deadline, parameters, engine.uniqueIds(), user,
                engine.saltSource()).withScanPushdown(pushdown);
    }

    // ---- cluster settings ----

    private Result setClusterSetting(Statement.SetClusterSetting set) {
        if (explicit != null) {
            throw new SqlException(SqlState.ACTIVE_TRANSACTION, "SET CLUSTER SETTING cannot be used inside a transaction");
        }
        checkClusterSetting(set.name());
        String value;
        try {
            value = ClusterSettings.normalize(set.name(), set.value());
        } catch (IllegalArgumentException e) {
            throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, e.getMessage());
        }
        inOwnTransaction(txn -> {
            new Authorizer(txn, null, user).requireAdminRole("SET CLUSTER SETTING");
            txn.put(ClusterSettings.key(set.name()), ClusterSettings.encode(set.name(), value));
            return null;
        });
        return Result.tagOnly("SET CLUSTER SETTING");
    }

    private Result showClusterSetting(Statement.ShowClusterSetting show) {
        if (show.name() != null) {
            checkClusterSetting(show.name());
            String value = inOwnTransaction(txn -> ClusterSettings.decode(show.name(), txn.get(ClusterSettings.key(show.name()))));
            return new Result(List.of(new Column(show.name(), SqlType.STRING)), List.of(List.of(Value.ofString(value))), 1, "SHOW");
        }
        List<List<Value>> rows = inOwnTransaction(txn -> {
            List<List<Value>> out = new ArrayList<>();
            for (String name : ClusterSettings.names()) {
                out.add(List.of(Value.ofString(name),
                        Value.ofString(ClusterSettings.decode(name, txn.get(ClusterSettings.key(name)))),
                        Value.ofString(ClusterSettings.defaultValue(name)),
                        Value.ofString(ClusterSettings.description(name))));
            }
            return out;
        });
        return new Result(List.of(new Column("variable", SqlType.STRING), new Column("value", SqlType.STRING),
                new Column("default", SqlType.STRING), new Column("description", SqlType.STRING)), rows, rows.size(), "SHOW");
    }

    private static void checkClusterSetting(String name) {
        if (!ClusterSettings.isKnown(name)) {
            throw new SqlException(SqlState.UNDEFINED_OBJECT, "unrecognized cluster setting \"" + name + "\" (known: "
                    + String.join(", ", ClusterSettings.names()) + ")");
        }
    }

    /** Runs {@code body} in a transaction of its own, again after a serialization failure (within {@link ImplicitRetries}' budget). */
    private <T> T inOwnTransaction(Function<SqlTxn, T> body) {
        ImplicitRetries retries = new ImplicitRetries(engine.clockNanos());
        for (int attempt = 1; ; attempt++) {
            SqlTxn txn = kvCall(() -> engine.kv().begin());
            try {
                T out = body.apply(txn);
                commit(txn);
                return out;
            } catch (KvRetryException retry) {
                rollbackQuietly(txn);
                if (!retries.another(attempt)) {
                    throw retryError(retry, attempt);
                }
            } catch (SqlException e) {
                rollbackQuietly(txn);
                throw e;
            } catch (RuntimeException e) {
                rollbackQuietly(txn);
                throw translate(e);
            }
        }
    }

    private boolean commitWait() {
        return "on".equals(settings.get("commit_wait"));
    }

    private static SqlException unknownSetting(String name) {
        return new SqlException(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }

    // ---- transactions ----

    private CommitInfo commit(SqlTxn txn) {
        try {
            return txn.commit();
        } catch (KvRetryException e) {
            throw e;
        } catch (KvAmbiguousException e) {
            throw new SqlException(SqlState.STATEMENT_COMPLETION_UNKNOWN,
                    "the commit's outcome is unknown (it may or may not have been applied): " + e.getMessage(), e);
        }
    }

    private void endExplicit(boolean committed) {
        SqlTxn txn = explicit;
        explicit = null;
        explicitDropped.clear();
        aborted = false;
        explicitChangedCatalog = false;
        explicitCatalog = null;
        if (!committed && txn != null) {
            rollbackQuietly(txn);
        }
    }

    private void abortExplicit() {
        if (explicit != null) {
            aborted = true;
        }
    }

    /**
     * Deletes the keys of spans a committed DROP made unreachable, in transactions of at most
     * {@link #CLEAR_BATCH_KEYS} deletes each (so a drop of any size never makes one large
     * transaction). Best effort: the DROP has committed whatever happens here, and keys left
     * behind (a node down, the statement's session closed) are unreachable, only wasted space.
     */
    private void clearDropped(List<byte[][]> spans) {
        for (byte[][] span : spans) {
            byte[] from = span[0];
            for (int batch = 0, failures = 0; batch < MAX_CLEAR_BATCHES && failures < MAX_CLEAR_FAILURES; batch++) {
                SqlTxn txn = engine.kv().begin();
                try {
                    List<KeyValue> keys = txn.scan(from, span[1], CLEAR_BATCH_KEYS);
                    for (KeyValue kv : keys) {
                        txn.delete(kv.key());
                    }
                    txn.commit();
                    if (keys.size() < CLEAR_BATCH_KEYS) {
                        break;
                    }
                    byte[] last = keys.get(keys.size() - 1).key();
                    from = Arrays.copyOf(last, last.length + 1);
                } catch (RuntimeException e) {
                    // A conflict or an unavailable range: try the batch again, a few times.
                    rollbackQuietly(txn);
                    failures++;
                }
            }
        }
    }

    private static void rollbackQuietly(SqlTxn txn) {
        try {
            txn.rollback();
        } catch (RuntimeException ignored) {
            // The transaction is abandoned either way; its intents are cleaned up by the KV layer.
        }
    }

    private long clockNanos() {
        return engine.clockNanos().getAsLong();
    }

    /** A deadline for one statement from statement_timeout (0: none). */
    private Deadline deadline() {
        return statementTimeoutNanos == 0 ? Deadline.none()
                : Deadline.after(engine.clockNanos(), statementTimeoutNanos, settings.get("statement_timeout"));
    }

    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("\\s*([0-9]{1,12})\\s*(us|ms|s|min|m|h)?\\s*");

    /** {@code 0} (off), a number of milliseconds, or a number with us, ms, s, min/m or h. */
    static long parseDuration(String text) {
        java.util.regex.Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, "invalid value for statement_timeout: \""
                    + text + "\" (expected 0, milliseconds, or a number with us, ms, s, min or h)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        long unitNanos = switch (unit) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "min", "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        if (amount > Long.MAX_VALUE / unitNanos) {
            throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, "statement_timeout " + text + " is too large");
        }
        return amount * unitNanos;
    }

    private static <T> T kvCall(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SqlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static SqlException retryError(KvRetryException e, int attempts) {
        return new SqlException(SqlState.SERIALIZATION_FAILURE, "restart transaction: " + e.reason() + ": "
                + e.getMessage() + (attempts > 1 ? " (after " + attempts + " attempts)" : ""), e);
    }

    private static SqlException translate(RuntimeException e) {
        if (e instanceof SqlException sql) {
            return sql;
        }
        if (e instanceof KvRetryException retry) {
            return retryError(retry, 1);
        }
        if (e instanceof KvAmbiguousException ambiguous) {
            return new SqlException(SqlState.STATEMENT_COMPLETION_UNKNOWN,
                    "the commit's outcome is unknown: " + ambiguous.getMessage(), ambiguous);
        }
        if (e instanceof KvException kv) {
            return new SqlException(kv.sqlState(), kv.getMessage(), kv);
        }
        return internal(e);
    }

    private static SqlException internal(RuntimeException bug) {
        return new SqlException(SqlState.INTERNAL_ERROR, "internal error: " + bug, bug);
    }

    /** Rolls back an open transaction. */
    @Override
    public void close() {
        if (explicit != null) {
            endExplicit(false);
        }
        closed = true;
    }
}
