package io.conclave.sql.parser;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.sql.SqlException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input into the SQL parser: every input must parse or fail with a SqlException
 * carrying a SQLSTATE (never another exception, never a stack overflow), within a time bound.
 * Inputs are random characters, valid statements with tokens dropped, repeated, swapped or cut,
 * and deep nesting. CI runs a few thousand; a longer run: {@code -Dfuzz.iterations=N}, and a
 * failure replays with {@code -Dfuzz.seed=S}.
 */
class ParserFuzzTest {
    private static final List<String> SEEDS = List.of(
            "SELECT a, b FROM t WHERE a = 1 AND b BETWEEN 2 AND 3 ORDER BY a DESC LIMIT 10",
            "SELECT count(*), sum(v) FROM t JOIN u ON t.k = u.k GROUP BY t.k HAVING count(*) > 1",
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y''s') ON CONFLICT (a) DO UPDATE SET b = 'z' RETURNING a",
            "UPDATE t SET v = v || 'x', w = CAST(3 AS DECIMAL(10,2)) WHERE k IN (1, 2, 3)",
            "DELETE FROM t WHERE k >= $1 AND name LIKE '%a_'",
            "CREATE TABLE t (k INT PRIMARY KEY, v STRING NOT NULL DEFAULT 'a', UNIQUE (v))",
            "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a, b)",
            "ALTER TABLE t SPLIT AT VALUES (10), (20)",
            "CREATE USER alice WITH PASSWORD 'secret'",
            "GRANT SELECT, INSERT ON TABLE t TO alice, bob",
            "REVOKE ALL PRIVILEGES ON * FROM alice",
            "GRANT admin TO alice",
            "SELECT * FROM t AS OF SYSTEM TIME '-1s'",
            "EXPLAIN ANALYZE SELECT x'00ff', 1.5e3, -(-(1)) FROM t");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ,;()'\"*=<>!|:$?.-+/%@\\\n\t\u00e9\u4e2d";
    /** No single input may take longer than this; a parser that backtracks exponentially would. */
    private static final long MAX_NANOS_PER_INPUT = TimeUnit.SECONDS.toNanos(2);

    @Test
    void randomInputsParseOrFailWithASqlState() {
        long seed = Long.getLong("fuzz.seed", 0xC0FFEEL);
        int iterations = Integer.getInteger("fuzz.iterations", 2_000);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < iterations; i++) {
            String input = switch (i % 5) {
                case 0 -> randomText(random, random.nextInt(0, 80));
                case 1, 2 -> mutate(random, SEEDS.get(random.nextInt(SEEDS.size())));
                case 3 -> nested(random);
                default -> {
                    String seedStatement = SEEDS.get(random.nextInt(SEEDS.size()));
                    yield seedStatement.substring(0, random.nextInt(seedStatement.length()));
                }
            };
            String where = "input " + i + " of seed " + seed + " (-Dfuzz.seed=" + seed + "): " + abbreviate(input);
            long start = System.nanoTime();
            try {
                StatementParser.parse(input);
            } catch (SqlException e) {
                assertTrue(e.sqlState() != null && e.sqlState().length() == 5, where + ": " + e);
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), where);
            } catch (RuntimeException | StackOverflowError e) {
                fail("unexpected " + e + " at " + where, e);
            }
            long took = System.nanoTime() - start;
            assertTrue(took < MAX_NANOS_PER_INPUT, where + " took " + took / 1_000_000 + " ms");
        }
    }

    private static String randomText(SplittableRandom random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return out.toString();
    }

    private static String mutate(SplittableRandom random, String sql) {
        String[] tokens = sql.split(" ");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            switch (random.nextInt(8)) {
                case 0 -> { } // dropped
                case 1 -> out.append(tokens[i]).append(' ').append(tokens[i]).append(' ');
                case 2 -> out.append(tokens[random.nextInt(tokens.length)]).append(' ');
                case 3 -> out.append(randomText(random, random.nextInt(1, 6))).append(' ');
                default -> out.append(tokens[i]).append(' ');
            }
        }
        return out.toString();
    }

    /** Deep parentheses and long operator chains: recursion the parser must bound, not overflow on. */
    private static String nested(SplittableRandom random) {
        int depth = random.nextInt(1, 3_000);
        StringBuilder out = new StringBuilder("SELECT ");
        switch (random.nextInt(3)) {
            case 0 -> out.append("(".repeat(depth)).append('1').append(")".repeat(depth));
            case 1 -> out.append("-".repeat(depth)).append('1');
            default -> {
                out.append('1');
                for (int i = 0; i < depth; i++) out.append(random.nextBoolean() ? " + 1" : " * 2");
            }
        }
        return out.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "… (" + s.length() + " chars)" : s;
    }
}
