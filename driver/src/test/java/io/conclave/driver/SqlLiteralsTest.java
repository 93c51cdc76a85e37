package io.conclave.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SqlLiteralsTest {
    @Test
    void stringsAreQuotedWithQuotesDoubled() throws SQLException {
        assertEquals("'it''s'", SqlLiterals.literal("it's"));
        assertEquals("''''''", SqlLiterals.literal("''"));
        assertEquals("'a\\b'", SqlLiterals.literal("a\\b")); // no backslash escapes in Conclave strings
        assertEquals("'x''; DROP TABLE t; --'", SqlLiterals.literal("x'; DROP TABLE t; --"));
        assertThrows(IllegalArgumentException.class, () -> SqlLiterals.quote("a\0b"));
    }

    @Test
    void otherTypes() throws SQLException {
        assertEquals("NULL", SqlLiterals.literal(null));
        assertEquals("X'00FF10'", SqlLiterals.literal(new byte[] {0, (byte) 0xff, 0x10}));
        assertEquals("(-5)", SqlLiterals.literal(-5L));
        assertEquals("(-9223372036854775807 - 1)", SqlLiterals.literal(Long.MIN_VALUE));
        assertEquals("12.50", SqlLiterals.literal(new BigDecimal("12.50")));
        assertEquals("(-0.001)", SqlLiterals.literal(new BigDecimal("-1E-3")));
        assertEquals("TRUE", SqlLiterals.literal(true));
        assertEquals("CAST(1.5 AS DOUBLE PRECISION)", SqlLiterals.literal(1.5));
        assertEquals("CAST('NaN' AS DOUBLE PRECISION)", SqlLiterals.literal(Double.NaN));
        assertEquals("CAST('1970-01-01 00:00:01.000002' AS TIMESTAMP)",
                SqlLiterals.literal(ConclaveResultSet.toTimestamp(1_000_002L)));
        Timestamp t = ConclaveResultSet.toTimestamp(-1L);
        assertEquals("CAST('1969-12-31 23:59:59.999999' AS TIMESTAMP)", SqlLiterals.literal(t));
        assertThrows(SQLException.class, () -> SqlLiterals.literal(new Object()));
    }

    @Test
    void placeholdersInsideQuotesAndCommentsAreNotParameters() throws SQLException {
        String sql = "select '?', \"a?\", x -- why?\n from t where a = ? /* ? */ and b = ?";
        assertEquals(2, SqlLiterals.countParameters(sql));
        assertEquals("select '?', \"a?\", x -- why?\n from t where a = 'o''k' /* ? */ and b = (-1)",
                SqlLiterals.substitute(sql, List.of("'o''k'", "(-1)")));
        assertThrows(SQLException.class, () -> SqlLiterals.substitute(sql, List.of("1")));
        assertThrows(SQLException.class, () -> SqlLiterals.substitute(sql, List.of("1", "2", "3")));
    }

    @Test
    void aNegativeParameterAfterAMinusDoesNotStartAComment() throws SQLException {
        assertEquals("select a -(-1) from t", SqlLiterals.substitute("select a -? from t", List.of(SqlLiterals.literal(-1))));
    }

    /** Any string, quoted, is one token: the quote count is even and it scans as one literal. */
    @Test
    void randomStringsStayOneLiteral() {
        long seed = 42;
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "a'\"?-/*\\\n;x ";
        for (int i = 0; i < 1000; i++) {
            StringBuilder s = new StringBuilder();
            for (int j = random.nextInt(20); j > 0; j--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String quoted = SqlLiterals.quote(s.toString());
            assertEquals(quoted.length(), SqlLiterals.skipQuotedOrComment(quoted, 0), "seed " + seed + " string " + s);
            assertEquals(s.toString(), quoted.substring(1, quoted.length() - 1).replace("''", "'"));
        }
    }
}
