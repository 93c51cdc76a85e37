package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Walks one SQL logic file on a given engine; shared by the in-memory {@link LogicTest} and the
 * cluster runs in the tests module. Records are separated by blank lines:
 *
 * <pre>
 * statement ok
 * CREATE TABLE t (a INT PRIMARY KEY)
 *
 * statement error 23505 duplicate key
 * INSERT INTO t VALUES (1)
 *
 * query rowsort
 * SELECT a, 'x' FROM t
 * ----
 * 1 x
 *
 * session other        (switches to, or opens, a named session; "session default" goes back)
 *
 * skipif cluster       (the next record is not run on the named platform)
 * onlyif cluster       (the next record runs on the named platform only)
 * maskids cluster      (on the named platform, the next query's expected and actual rows are
 *                       compared with descriptor ids and range listings masked)
 * </pre>
 *
 * A query's rows print as values separated by single spaces (NULL as {@code NULL}, the empty
 * string as {@code ·}); {@code rowsort} sorts the printed rows before comparing, {@code colnames}
 * adds a first line of column names. After {@code statement error}, the SQLSTATE is required
 * and the rest of the line, if any, must occur in the message.
 *
 * <p>{@code skipif}, {@code onlyif} and {@code maskids} exist for results that depend on the store rather than on SQL: range ids,
 * leaseholders and descriptor ids, which an in-memory store assigns from fixed counters and a
 * shared cluster does not. It must say why in a comment above it.
 */
public final class LogicRunner {
    /** The platform of {@link LogicTest}: one fresh in-memory store per file. */
    public static final String MEMORY = "memory";
    /** The platform of the real-cluster runs: node processes, shared across files. */
    public static final String CLUSTER = "cluster";

    private static final Set<String> PLATFORMS = Set.of(MEMORY, CLUSTER);

    /** Called after every statement that succeeded, with the session that ran it (the split runs split new tables). */
    public interface AfterStatement {
        void after(Session session, String sql);
    }

    private LogicRunner() {}

    /**
     * Runs {@code file} on {@code engine} as {@code platform}. With {@code rewrite}, writes the
     * actual query results back into the file instead of comparing.
     */
    public static void runFile(Path file, SqlEngine engine, String platform, boolean rewrite, AfterStatement hook)
            throws IOException {
        if (!PLATFORMS.contains(platform)) {
            throw new IllegalArgumentException("platform " + platform + " is not one of " + PLATFORMS);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> rewritten = new ArrayList<>();
        Map<String, Session> sessions = new HashMap<>();
        Session session = engine.openSession();
        sessions.put("default", session);
        boolean skipNext = false;
        boolean maskNext = false;
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.add(line);
                i++;
                continue;
            }
            int recordLine = i + 1;
            String[] header = line.trim().split("\\s+", 3);
            rewritten.add(line);
            i++;
            String where = file.getFileName() + ":" + recordLine;
            boolean directive = header[0].equals("maskids") || header[0].equals("skipif") || header[0].equals("onlyif");
            if (directive && (skipNext || maskNext)) {
                // Two directives in a row: the second would silently override the first.
                fail(where + ": one skipif, onlyif or maskids per record");
            }
            if (header[0].equals("maskids")) {
                if (header.length < 2 || !PLATFORMS.contains(header[1])) {
                    fail(where + ": maskids needs one of " + PLATFORMS);
                }
                maskNext = header[1].equals(platform);
                continue;
            }
            if (header[0].equals("skipif") || header[0].equals("onlyif")) {
                if (header.length < 2 || !PLATFORMS.contains(header[1])) {
                    fail(where + ": " + header[0] + " needs one of " + PLATFORMS);
                }
                skipNext = header[1].equals(platform) == header[0].equals("skipif");
                continue;
            }
            if (header[0].equals("session")) {
                session = sessions.computeIfAbsent(header[1], n -> engine.openSession());
                continue;
            }
            StringBuilder sql = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).equals("----")) {
                sql.append(sql.length() == 0 ? "" : "\n").append(lines.get(i));
                rewritten.add(lines.get(i));
                i++;
            }
            List<String> expected = new ArrayList<>();
            boolean hasResults = i < lines.size() && lines.get(i).equals("----");
            if (hasResults) {
                i++;
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    expected.add(lines.get(i));
                    i++;
                }
            }
            boolean skip = skipNext;
            boolean mask = maskNext;
            skipNext = false;
            maskNext = false;
            switch (header[0]) {
                case "statement" -> {
                    if (!skip) {
                        runStatement(session, header, sql.toString(), where, hook);
                    }
                    if (hasResults) {
                        rewritten.add("----");
                        rewritten.addAll(expected);
                    }
                }
                case "query" -> {
                    List<String> actual = skip ? expected : runQuery(session, header, sql.toString(), where, hook);
                    rewritten.add("----");
                    if (rewrite) {
                        rewritten.addAll(actual);
                    } else {
                        rewritten.addAll(expected);
                        if (mask ? !masked(actual).equals(masked(expected)) : !actual.equals(expected)) {
                            fail(where + " (" + platform + "): " + sql + "\nexpected:\n" + String.join("\n", expected)
                                    + "\nactual:\n" + String.join("\n", actual));
                        }
                    }
                }
                default -> fail(where + ": unknown directive " + header[0]);
            }
        }
        if (rewrite) {
            Files.write(file, rewritten, StandardCharsets.UTF_8);
        }
    }

    private static void runStatement(Session session, String[] header, String sql, String where, AfterStatement hook) {
        boolean expectError = header.length > 1 && header[1].equals("error");
        try {
            session.execute(sql);
            if (expectError) {
                fail(where + ": expected error " + header[2] + " from: " + sql);
            }
            hook.after(session, sql);
        } catch (SqlException e) {
            if (!expectError) {
                fail(where + ": unexpected " + e + " from: " + sql, e);
            }
            String[] spec = header.length > 2 ? header[2].split("\\s+", 2) : new String[] {""};
            if (!e.sqlState().equals(spec[0])) {
                fail(where + ": expected SQLSTATE " + spec[0] + " but got " + e + " from: " + sql);
            }
            if (spec.length > 1 && !e.getMessage().contains(spec[1])) {
                fail(where + ": message \"" + e.getMessage() + "\" lacks \"" + spec[1] + "\"");
            }
        }
    }

    private static List<String> runQuery(Session session, String[] header, String sql, String where,
            AfterStatement hook) {
        String options = header.length > 1 ? String.join(" ", Arrays.copyOfRange(header, 1, header.length)) : "";
        Result result;
        try {
            result = session.execute(sql);
        } catch (SqlException e) {
            fail(where + ": unexpected " + e + " from: " + sql, e);
            return List.of();
        }
        hook.after(session, sql);
        List<String> out = new ArrayList<>();
        for (List<Value> row : result.rows()) {
            out.addAll(List.of(row.stream().map(LogicRunner::print).collect(Collectors.joining(" ")).split("\n")));
        }
        if (options.contains("rowsort")) {
            out.sort(null);
        }
        if (options.contains("colnames")) {
            out.add(0, result.columns().stream().map(Column::name).collect(Collectors.joining(" ")));
        }
        return out;
    }

    /**
     * Rows with what a store assigns masked: descriptor ids ({@code /Table/100} becomes
     * {@code /Table/?}) and the ranges a span touches (their ids, leaseholders and how many there
     * are), so that a plan's shape is still compared on a store that numbers things otherwise.
     */
    static List<String> masked(List<String> rows) {
        List<String> out = new ArrayList<>();
        for (String row : rows) {
            String m = row.replaceAll("/Table/\\d+", "/Table/?");
            int ranges = m.indexOf(": r");
            if (m.trim().startsWith("ranges of ") && ranges >= 0) {
                m = m.substring(0, ranges) + ": ?";
            }
            out.add(m);
        }
        return out;
    }

    private static String print(Value v) {
        String s = v.toString();
        return !v.isNull() && s.isEmpty() ? "·" : s;
    }
}
