package io.conclave.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.sql.SqlException;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.SqlPrinter;
import io.conclave.sql.ast.Statement;
import org.junit.jupiter.api.Test;

class StatementParserTest {
    private static String expr(String sql) {
        return SqlPrinter.print(StatementParser.parseExpression(sql));
    }

    @Test
    void precedence() {
        assertEquals("1 + (2 * 3)", expr("1 + 2 * 3"));
        assertEquals("(1 - 2) - 3", expr("1 - 2 - 3"));
        assertEquals("NOT (a = b)", expr("NOT a = b"));
        assertEquals("(a = 1) OR ((b = 2) AND (c = 3))", expr("a = 1 OR b = 2 AND c = 3"));
        assertEquals("(x BETWEEN 1 AND 2) AND (y > 3)", expr("x BETWEEN 1 AND 2 AND y > 3"));
        assertEquals("(a || b) = 'ab'", expr("a || b = 'ab'"));
        assertEquals("-x::INT8", expr("-x::int"));
        assertEquals("(x NOT IN (1, 2)) AND (y IS NOT NULL)", expr("x NOT IN (1, 2) AND y IS NOT NULL"));
        assertEquals("s NOT LIKE 'a%'", expr("s NOT LIKE 'a%'"));
    }

    @Test
    void namesAreLowerCasedUnlessQuoted() {
        Statement.Select s = (Statement.Select) StatementParser.parse("SELECT Foo, \"Bar\" FROM T");
        assertEquals(new Expr.ColumnRef(null, "foo"), s.items().get(0).expr());
        assertEquals(new Expr.ColumnRef(null, "Bar"), s.items().get(1).expr());
        assertEquals("t", s.from().get(0).table());
    }

    @Test
    void statementsParse() {
        for (String sql : new String[] {
            "select * from t as of system time '-1s' where a = 1 for update",
            "insert into t (a, b) values (1, 'x'), (2, 'y') on conflict (a) do update set b = excluded.b where t.a > 0 returning *",
            "upsert into t values (1)", "update t set a = a + 1 where b like 'x%' returning a",
            "delete from t where a in (1, 2) returning a, b", "create table if not exists t (a int primary key, b varchar(10) not null default 'x', c decimal(10,2) unique, d double precision)",
            "create unique index if not exists i on t (a, b)", "drop index if exists t@i", "drop table if exists t",
            "begin transaction", "start transaction", "commit", "end", "rollback", "set commit_wait = on", "set commit_wait to off",
            "show tables", "show create table t", "show ranges from table t", "alter table t split at values (1), (2)",
            "explain analyze select count(*) from t group by a having count(*) > 1 order by 1 desc limit 1 offset 2",
            "select distinct a, t.* from t inner join u on t.a = u.a, v", "select cast(a as bytes), x'00ff', 1.5e3, .5",
            "select 1; ", "-- comment\nselect /* inline */ 1"}) {
            StatementParser.parse(sql);
        }
    }

    @Test
    void syntaxErrorsNameLineColumnAndToken() {
        SqlException e = assertThrows(SqlException.class, () -> StatementParser.parse("SELECT 1,\n  FROM t"));
        assertEquals("42601", e.sqlState());
        assertTrue(e.getMessage().startsWith("syntax error at line 2, column 3 near \"FROM\""), e.getMessage());
        e = assertThrows(SqlException.class, () -> StatementParser.parse("SELECT 'unterminated"));
        assertEquals("42601", e.sqlState());
        e = assertThrows(SqlException.class, () -> StatementParser.parse("SELECT 1 +"));
        assertTrue(e.getMessage().contains("at end of input"), e.getMessage());
        e = assertThrows(SqlException.class, () -> StatementParser.parse("CREATE TABLE t (a VARCHAR(0))"));
        assertEquals("42601", e.sqlState());
    }
}
