package io.conclave.node.sql;

import io.conclave.driver.ConclaveUrl;
import io.conclave.driver.SqlConnection;
import io.conclave.driver.SqlLiterals;
import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.Row;
import io.conclave.driver.proto.SqlValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The SQL shell: statements ended by {@code ;} (over as many lines as they need), results as
 * aligned tables with a row count and the server's time, errors as
 * {@code ERROR: message (SQLSTATE xxxxx)} without a stack trace, and backslash commands
 * ({@code \q}, {@code \?}, {@code \d}, {@code \d TABLE}). In script mode (statements from a pipe or
 * {@code -e}) the first error ends the run with a failure status; interactively the shell goes on.
 * A lost node is reported; the next statement connects to the first listed node that answers. A
 * statement a node refused without running it (57P03, 57P01, 53300 outside a transaction) runs
 * again on another listed node.
 */
public final class SqlShell {
    /** Lines of one statement before it is refused: a missing {@code ;} should not eat the script. */
    static final int MAX_STATEMENT_CHARS = 1 << 20;
    /** Characters of one shown cell; longer values are cut with an ellipsis (the server keeps them whole). */
    static final int MAX_CELL_CHARS = 200;

    private final List<ConclaveUrl.HostPort> hosts;
    private final Map<String, String> options;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private SqlConnection connection;

    public SqlShell(List<ConclaveUrl.HostPort> hosts, Map<String, String> options, PrintStream out, LongSupplier nanoClock) {
        if (hosts.isEmpty()) throw new IllegalArgumentException("the shell needs at least one host");
        this.hosts = List.copyOf(hosts);
        this.options = Map.copyOf(options);
        this.out = out;
        this.nanoClock = nanoClock;
    }

    /** Connects at once, so an unreachable cluster is reported before any prompt. */
    public void connect() throws SQLException {
        connection = SqlConnection.connect(hosts, options, SqlConnection.Settings.DEFAULTS);
    }

    /** Where the shell's lines come from: a terminal with line editing, or a script. */
    @FunctionalInterface
    public interface LineSource {
        /** The next line without its terminator, or null at end of input. */
        String readLine(String prompt) throws IOException;
    }

    /**
     * Reads the process's standard input: with line editing and history when it is a terminal,
     * else as a script (stopping at the first error). The edge where the console enters.
     */
    public boolean runStandardInput() throws IOException {
        if (System.console() != null) {
            Path history = Path.of(System.getProperty("user.home"), ".conclave_sql_history");
            try (TerminalLines terminal = new TerminalLines(history)) {
                return run(terminal, true);
            }
        }
        return run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), false);
    }

    /** Reads a script (or a plain interactive stream, printing the prompts itself). */
    public boolean run(BufferedReader in, boolean interactive) throws IOException {
        return run(prompt -> {
            if (interactive) {
                out.print(prompt);
                out.flush();
            }
            return in.readLine();
        }, interactive);
    }

    /**
     * Reads statements until end of input or {@code \q}. Returns true if every statement
     * succeeded; in script mode ({@code interactive} false) it stops at the first failure.
     */
    public boolean run(LineSource in, boolean interactive) throws IOException {
        if (interactive) {
            out.println("Conclave SQL shell on " + (connection == null ? "(not connected)" : connection.address()
                    + " (node " + connection.nodeId() + ")") + ". End statements with ';', \\? for help, \\q to quit.");
        }
        StringBuilder statement = new StringBuilder();
        boolean ok = true;
        while (true) {
            String line = in.readLine(statement.isEmpty() ? "conclave> " : "       -> ");
            if (line == null) break;
            if (statement.isEmpty() && line.trim().startsWith("\\")) {
                String command = line.trim();
                if (command.equals("\\q")) return ok;
                if (!backslash(command)) {
                    ok = false;
                    if (!interactive) return false;
                }
                continue;
            }
            statement.append(line).append('\n');
            List<String> complete = new ArrayList<>();
            String rest = split(statement.toString(), complete);
            statement.setLength(0);
            statement.append(rest);
            for (String sql : complete) {
                if (!execute(sql)) {
                    ok = false;
                    if (!interactive) return false;
                }
            }
            if (statement.length() > MAX_STATEMENT_CHARS) {
                out.println("ERROR: statement longer than " + MAX_STATEMENT_CHARS + " characters without ';' (SQLSTATE 54000)");
                statement.setLength(0);
                ok = false;
                if (!interactive) return false;
            }
        }
        if (!statement.toString().isBlank()) {
            // The last statement of a script need not end with ';'.
            if (!execute(statement.toString().trim())) ok = false;
        }
        return ok;
    }

    /**
     * Cuts {@code text} at each {@code ;} outside quotes and comments: complete statements go to
     * {@code complete} (blank ones dropped), and the unfinished tail is returned.
     */
    static String split(String text, List<String> complete) {
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            int end = SqlLiterals.skipQuotedOrComment(text, i);
            if (end > i) {
                i = end;
                continue;
            }
            if (text.charAt(i) == ';') {
                String sql = text.substring(start, i).trim();
                if (!sql.isEmpty() && !onlyComments(sql)) complete.add(sql);
                start = i + 1;
            }
            i++;
        }
        return text.substring(start).isBlank() ? "" : text.substring(start);
    }

    private static boolean onlyComments(String sql) {
        int i = 0;
        while (i < sql.length()) {
            int end = SqlLiterals.skipQuotedOrComment(sql, i);
            char c = sql.charAt(i);
            if (end > i && (c == '-' || c == '/')) {
                i = end;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs one statement and prints its result or error; false on error. A statement a node
     * refused without running it, outside a transaction, runs again on another listed node, as
     * the JDBC driver does.
     */
    public boolean execute(String sql) {
        long start = nanoClock.getAsLong();
        ConclaveUrl.HostPort refusedBy = null;
        try {
            for (int attempt = 1; ; attempt++) {
                if (connection == null || connection.isBroken()) {
                    connection = SqlConnection.connectInPlaceOf(connection, hosts, options,
                            SqlConnection.Settings.DEFAULTS, refusedBy);
                    Map<String, String> carried = connection.changedSettings();
                    out.println("(connected to " + connection.address() + ", node " + connection.nodeId()
                            + (carried.isEmpty() ? "" : "; set again: " + describe(carried)) + ")");
                }
                SqlConnection c = connection;
                boolean transactionOpen = c.inTransaction();
                try {
                    print(c.execute(sql), nanoClock.getAsLong() - start);
                    return true;
                } catch (SQLException e) {
                    if (transactionOpen || !c.refusedWithoutRunning(e) || attempt >= hosts.size()) throw e;
                    out.println("(node " + c.nodeId() + " did not run the statement: " + e.getMessage() + ")");
                    refusedBy = c.address();
                }
            }
        } catch (SQLException e) {
            out.println("ERROR: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")");
            return false;
        }
    }

    private boolean backslash(String command) {
        String[] words = command.split("\\s+", 2);
        switch (words[0]) {
            case "\\?" -> {
                help();
                return true;
            }
            case "\\d" -> {
                if (words.length == 1) return execute("SHOW TABLES");
                return execute("SHOW CREATE TABLE " + words[1].replaceAll(";$", "").trim());
            }
            default -> {
                out.println("ERROR: unknown command " + words[0] + "; \\? lists the commands (SQLSTATE 42601)");
                return false;
            }
        }
    }

    private void help() {
        out.println("Statements end with ';' and may span lines. Commands:");
        out.println("  \\d          list tables (SHOW TABLES)");
        out.println("  \\d TABLE    describe a table (SHOW CREATE TABLE)");
        out.println("  \\?          this help");
        out.println("  \\q          quit (also end of input)");
        out.println("Try: CREATE TABLE t (k INT PRIMARY KEY, v STRING); INSERT INTO t VALUES (1, 'a');");
        out.println("     SELECT * FROM t; ALTER TABLE t SPLIT AT VALUES (100); SHOW RANGES FROM TABLE t;");
        out.println("     EXPLAIN ANALYZE SELECT * FROM t WHERE k = 1; SET commit_wait = on;");
    }

    private void print(Result r, long roundTripNanos) {
        String time = String.format(Locale.ROOT, "Time: %.3f ms (server %.3f ms", roundTripNanos / 1e6,
                r.getElapsedNanos() / 1e6)
                + (r.getCommitWaitNanos() > 0 ? String.format(Locale.ROOT, ", of which commit-wait %.3f ms",
                        r.getCommitWaitNanos() / 1e6) : "") + ")";
        if (r.getColumnsCount() == 0) {
            out.println(r.getTag());
            out.println(time);
            out.println();
            return;
        }
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[r.getColumnsCount()];
        int[] width = new int[header.length];
        boolean[] right = new boolean[header.length];
        for (int c = 0; c < header.length; c++) {
            ColumnInfo col = r.getColumns(c);
            header[c] = col.getName();
            width[c] = header[c].length();
            right[c] = switch (col.getFamily()) {
                case INT, FLOAT, DECIMAL -> true;
                default -> false;
            };
        }
        for (Row row : r.getRowsList()) {
            // A value with line breaks (SHOW CREATE TABLE) takes as many printed lines as it has.
            String[][] parts = new String[header.length][];
            int height = 1;
            for (int c = 0; c < header.length; c++) {
                parts[c] = cell(row.getValues(c)).split("\n", -1);
                height = Math.max(height, parts[c].length);
                for (String part : parts[c]) width[c] = Math.max(width[c], part.length());
            }
            for (int h = 0; h < height; h++) {
                String[] line = new String[header.length];
                for (int c = 0; c < header.length; c++) line[c] = h < parts[c].length ? parts[c][h] : "";
                cells.add(line);
            }
        }
        out.println(format(header, width, right));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < width.length; c++) rule.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        out.println(rule);
        for (String[] line : cells) out.println(format(line, width, right));
        out.println("(" + r.getRowsCount() + (r.getRowsCount() == 1 ? " row)" : " rows)"));
        out.println(time);
        out.println();
    }

    /** {@code commit_wait = off, application_name = 'etl'}: settings as SET would take them. */
    private static String describe(Map<String, String> settings) {
        List<String> parts = new ArrayList<>();
        settings.forEach((name, value) -> parts.add(name + " = " + SqlLiterals.quote(value)));
        return String.join(", ", parts);
    }

    private static String format(String[] cells, int[] width, boolean[] right) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) b.append(" | ");
            String pad = " ".repeat(width[c] - cells[c].length());
            b.append(right[c] ? pad + cells[c] : cells[c] + (c == cells.length - 1 ? "" : pad));
        }
        return b.toString();
    }

    /** A value as the shell shows it: PostgreSQL's text forms, NULL as {@code NULL}; line breaks kept. */
    static String cell(SqlValue v) {
        String text = switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> "NULL";
            case INT_VALUE -> Long.toString(v.getIntValue());
            case FLOAT_VALUE -> {
                double d = v.getFloatValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
            }
            case DECIMAL_VALUE -> new BigDecimal(v.getDecimalValue()).toPlainString();
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
            case BYTES_VALUE -> "\\x" + HexFormat.of().formatHex(v.getBytesValue().toByteArray());
            case TIMESTAMP_MICROS -> timestamp(v.getTimestampMicros());
        };
        text = text.replace("\r", "\\r").replace("\t", "\\t");
        StringBuilder cut = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (cut.length() > 0) cut.append('\n');
            cut.append(line.length() > MAX_CELL_CHARS ? line.substring(0, MAX_CELL_CHARS - 1) + "…" : line);
        }
        return cut.toString();
    }

    private static String timestamp(long micros) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000), ZoneOffset.UTC);
        String s = t.toString().replace('T', ' ');
        return s.length() == 16 ? s + ":00" : s;
    }

    /** Closes the connection. */
    public void close() {
        if (connection != null) connection.close();
    }
}
