package io.conclave.sql.parser;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.Statement;
import java.nio.charset.StandardCharsets;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Parses one SQL statement into the AST of {@link io.conclave.sql.ast}. Syntax errors become
 * {@link SqlException} 42601 naming the line, the 1-based column and the offending token; ANTLR's
 * own messages and stack traces never reach the user. Stateless and thread-safe.
 */
public final class StatementParser {
    /**
     * Longest statement accepted, in UTF-8 bytes. A statement is parsed in memory and its
     * literals become one transaction's writes; 1 MiB leaves room for a multi-row INSERT while
     * keeping a runaway client from making the parser hold hundreds of megabytes.
     */
    public static final int MAX_STATEMENT_BYTES = 1 << 20;
    /**
     * Deepest nesting of parentheses accepted. The parser, the binder and the evaluator recurse
     * once (or a dozen frames) per level; past this a statement is refused with 54001 before it
     * is parsed, rather than overflowing a worker thread's stack.
     */
    public static final int MAX_NESTING_DEPTH = 128;
    /** SQLSTATE statement_too_complex. */
    public static final String STATEMENT_TOO_COMPLEX = "54001";

    private StatementParser() {}

    public static Statement parse(String sql) {
        checkSize(sql);
        try {
            SqlParser parser = parserFor(sql);
            SqlParser.SingleStatementContext tree = parser.singleStatement();
            return new AstBuilder().statement(tree.statement());
        } catch (StackOverflowError deep) {
            // Long chains of unary operators recurse without parentheses; the stack unwinds here.
            throw tooComplex();
        }
    }

    /** Parses a lone expression (stored DEFAULT expressions). */
    public static Expr parseExpression(String sql) {
        checkSize(sql);
        try {
            SqlParser parser = parserFor(sql);
            return new AstBuilder().expr(parser.singleExpression().expr());
        } catch (StackOverflowError deep) {
            throw tooComplex();
        }
    }

    /** The 54001 error of a statement nested too deeply to parse or run. */
    public static SqlException tooComplex() {
        return new SqlException(STATEMENT_TOO_COMPLEX, "statement too complex: expressions may nest at most "
                + MAX_NESTING_DEPTH + " levels (StatementParser.MAX_NESTING_DEPTH)");
    }

    /** Throws 54001 if parentheses outside literals, quoted names and comments nest too deeply. */
    private static void checkNesting(String sql) {
        int depth = 0;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int close = sql.indexOf(c, i + 1);
                while (close >= 0 && close + 1 < n && sql.charAt(close + 1) == c) close = sql.indexOf(c, close + 2);
                if (close < 0) return; // unterminated: the lexer reports it
                i = close;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int newline = sql.indexOf('\n', i);
                if (newline < 0) return;
                i = newline;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) return;
                i = end + 1;
            } else if (c == '(') {
                if (++depth > MAX_NESTING_DEPTH) throw tooComplex();
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            }
        }
    }

    private static void checkSize(String sql) {
        if (sql == null) {
            throw new SqlException(SqlState.SYNTAX_ERROR, "empty statement");
        }
        if (sql.length() > MAX_STATEMENT_BYTES
                || sql.getBytes(StandardCharsets.UTF_8).length > MAX_STATEMENT_BYTES) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "statement of "
                    + sql.getBytes(StandardCharsets.UTF_8).length + " bytes exceeds the limit of "
                    + MAX_STATEMENT_BYTES + " bytes (StatementParser.MAX_STATEMENT_BYTES)");
        }
        if (sql.isBlank()) {
            throw new SqlException(SqlState.SYNTAX_ERROR, "empty statement");
        }
        checkNesting(sql);
    }

    private static SqlParser parserFor(String sql) {
        SqlLexer lexer = new SqlLexer(CharStreams.fromString(sql));
        lexer.removeErrorListeners();
        lexer.addErrorListener(ThrowingListener.INSTANCE);
        SqlParser parser = new SqlParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(ThrowingListener.INSTANCE);
        return parser;
    }

    private static final class ThrowingListener extends BaseErrorListener {
        static final ThrowingListener INSTANCE = new ThrowingListener();

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                                int charPositionInLine, String msg, RecognitionException e) {
            String where = "at line " + line + ", column " + (charPositionInLine + 1);
            String near;
            if (offendingSymbol instanceof Token token) {
                near = token.getType() == Token.EOF ? "at end of input"
                        : "near \"" + abbreviate(token.getText()) + "\"";
            } else {
                near = "";
            }
            throw new SqlException(SqlState.SYNTAX_ERROR,
                    "syntax error " + where + (near.isEmpty() ? "" : " " + near) + ": " + describe(msg));
        }

        private static String describe(String antlrMessage) {
            // ANTLR's text lists expected tokens; keep it short and readable.
            String m = antlrMessage == null ? "unexpected input" : antlrMessage;
            return m.length() > 200 ? m.substring(0, 200) + "…" : m;
        }

        private static String abbreviate(String text) {
            return text.length() > 40 ? text.substring(0, 40) + "…" : text;
        }
    }
}
