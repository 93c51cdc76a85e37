package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SQL logic tests: files under {@code src/test/resources/logic/*.test}, each run on a fresh
 * engine over an in-memory store. Records are separated by blank lines:
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
 * </pre>
 *
 * A query's rows print as values separated by single spaces (NULL as {@code NULL}, the empty
 * string as {@code ·}); {@code rowsort} sorts the printed rows before comparing, {@code colnames}
 * adds a first line of column names. After {@code statement error}, the SQLSTATE is required
 * and the rest of the line, if any, must occur in the message. Run with
 * {@code -Dlogic.rewrite=true} to rewrite the expected results from the actual ones.
 */
class LogicTest {
    private static final Path DIR = Paths.get("src/test/resources/logic");

    @TestFactory
    Stream<DynamicTest> logicFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".test")).sorted().collect(Collectors.toList());
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runFile(f)));
    }

    private static void runFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean rewrite = Boolean.getBoolean("logic.rewrite");
        List<String> rewritten = new ArrayList<>();
        SqlEngine engine = new SqlEngine(new MemoryKv(), new MemoryAdmin());
        Map<String, Session> sessions = new HashMap<>();
        Session session = engine.openSession();
        sessions.put("default", session);
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
            String where = file.getFileName() + ":" + recordLine;
            switch (header[0]) {
                case "statement" -> {
                    runStatement(session, header, sql.toString(), where);
                    if (hasResults) {
                        rewritten.add("----");
                        rewritten.addAll(expected);
                    }
                }
                case "query" -> {
                    List<String> actual = runQuery(session, header, sql.toString(), where);
                    rewritten.add("----");
                    if (rewrite) {
                        rewritten.addAll(actual);
                    } else {
                        rewritten.addAll(expected);
                        if (!actual.equals(expected)) {
                            fail(where + ": " + sql + "\nexpected:\n" + String.join("\n", expected)
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

    private static void runStatement(Session session, String[] header, String sql, String where) {
        boolean expectError = header.length > 1 && header[1].equals("error");
        try {
            session.execute(sql);
            if (expectError) {
                fail(where + ": expected error " + header[2] + " from: " + sql);
            }
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

    private static List<String> runQuery(Session session, String[] header, String sql, String where) {
        String options = header.length > 1 ? String.join(" ", java.util.Arrays.copyOfRange(header, 1, header.length)) : "";
        Result result;
        try {
            result = session.execute(sql);
        } catch (SqlException e) {
            fail(where + ": unexpected " + e + " from: " + sql, e);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (List<Value> row : result.rows()) {
            out.addAll(List.of(row.stream().map(LogicTest::print).collect(Collectors.joining(" ")).split("\n")));
        }
        if (options.contains("rowsort")) {
            out.sort(null);
        }
        if (options.contains("colnames")) {
            out.add(0, result.columns().stream().map(Column::name).collect(Collectors.joining(" ")));
        }
        return out;
    }

    private static String print(Value v) {
        String s = v.toString();
        return !v.isNull() && s.isEmpty() ? "·" : s;
    }
}
