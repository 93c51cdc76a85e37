package io.conclave.sql.parser;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.Assignment;
import io.conclave.sql.ast.Statement.ColumnDef;
import io.conclave.sql.ast.Statement.FromItem;
import io.conclave.sql.ast.Statement.OnConflict;
import io.conclave.sql.ast.Statement.OrderItem;
import io.conclave.sql.ast.Statement.SelectItem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Turns an ANTLR parse tree into AST records. Semantic errors here carry line:column. */
final class AstBuilder {
    /** Most parameters one statement may have (PostgreSQL's wire protocol allows 65535). */
    static final int MAX_PARAMETERS = 65_535;

    private int questionMarks;
    private boolean dollarParameters;

    Statement statement(SqlParser.StatementContext ctx) {
        if (ctx instanceof SqlParser.ExplainStatementContext c) {
            return new Statement.Explain(statement(c.statement()), c.ANALYZE() != null);
        }
        if (ctx instanceof SqlParser.SelectStatementContext c) {
            return select(c.selectStmt());
        }
        if (ctx instanceof SqlParser.InsertStatementContext c) {
            return insert(c.insertStmt());
        }
        if (ctx instanceof SqlParser.UpdateStatementContext c) {
            SqlParser.UpdateStmtContext u = c.updateStmt();
            return new Statement.Update(name(u.identifier()), assignments(u.assignment()),
                    u.expr() == null ? null : expr(u.expr()), returning(u.returning()));
        }
        if (ctx instanceof SqlParser.DeleteStatementContext c) {
            SqlParser.DeleteStmtContext d = c.deleteStmt();
            return new Statement.Delete(name(d.identifier()), d.expr() == null ? null : expr(d.expr()),
                    returning(d.returning()));
        }
        if (ctx instanceof SqlParser.CreateTableStatementContext c) {
            return createTable(c.createTableStmt());
        }
        if (ctx instanceof SqlParser.CreateIndexStatementContext c) {
            return new Statement.CreateIndex(c.name == null ? null : name(c.name), name(c.table),
                    names(c.identifierList()), c.UNIQUE() != null, c.EXISTS() != null);
        }
        if (ctx instanceof SqlParser.DropTableStatementContext c) {
            return new Statement.DropTable(name(c.identifier()), c.EXISTS() != null);
        }
        if (ctx instanceof SqlParser.DropIndexStatementContext c) {
            return new Statement.DropIndex(c.table == null ? null : name(c.table), name(c.name),
                    c.EXISTS() != null);
        }
        if (ctx instanceof SqlParser.BeginStatementContext) {
            return new Statement.Begin();
        }
        if (ctx instanceof SqlParser.CommitStatementContext) {
            return new Statement.Commit();
        }
        if (ctx instanceof SqlParser.RollbackStatementContext) {
            return new Statement.Rollback();
        }
        if (ctx instanceof SqlParser.SetClusterSettingStatementContext c) {
            return new Statement.SetClusterSetting(settingName(c.settingName()), setValue(c.setValue()));
        }
        if (ctx instanceof SqlParser.ShowClusterSettingStatementContext c) {
            return new Statement.ShowClusterSetting(settingName(c.settingName()));
        }
        if (ctx instanceof SqlParser.ShowClusterSettingsStatementContext) {
            return new Statement.ShowClusterSetting(null);
        }
        if (ctx instanceof SqlParser.SetDefaultStatementContext c) {
            return new Statement.ResetVariable(name(c.identifier()), "SET");
        }
        if (ctx instanceof SqlParser.ResetStatementContext c) {
            String name = name(c.identifier());
            return new Statement.ResetVariable(name.equals("all") ? null : name, "RESET");
        }
        if (ctx instanceof SqlParser.SetStatementContext c) {
            return new Statement.SetVariable(name(c.identifier()), setValue(c.setValue()));
        }
        if (ctx instanceof SqlParser.ShowTablesStatementContext) {
            return new Statement.ShowTables();
        }
        if (ctx instanceof SqlParser.ShowCreateStatementContext c) {
            return new Statement.ShowCreateTable(name(c.identifier()));
        }
        if (ctx instanceof SqlParser.ShowRangesStatementContext c) {
            return new Statement.ShowRanges(name(c.identifier()));
        }
        if (ctx instanceof SqlParser.ShowColumnsStatementContext c) {
            return new Statement.ShowColumns(name(c.identifier()));
        }
        if (ctx instanceof SqlParser.ShowVariableStatementContext c) {
            return new Statement.ShowVariable(name(c.identifier()));
        }
        if (ctx instanceof SqlParser.SplitStatementContext c) {
            List<List<Expr>> rows = new ArrayList<>();
            for (SqlParser.ValuesRowContext row : c.valuesRow()) {
                rows.add(exprs(row.expr()));
            }
            return new Statement.SplitAt(name(c.identifier()), rows);
        }
        Statement security = securityStatement(ctx);
        if (security != null) {
            return security;
        }
        throw error(ctx, "unsupported statement");
    }

    private static String settingName(SqlParser.SettingNameContext ctx) {
        List<String> parts = new ArrayList<>();
        for (SqlParser.IdentifierContext part : ctx.identifier()) {
            parts.add(name(part));
        }
        return String.join(".", parts);
    }

    /** Users, passwords and privileges; null for any other statement. */
    private Statement securityStatement(SqlParser.StatementContext ctx) {
        if (ctx instanceof SqlParser.CreateUserStatementContext c) {
            return new Statement.CreateUser(name(c.identifier()), c.EXISTS() != null,
                    c.password() == null ? null : password(c.password()));
        }
        if (ctx instanceof SqlParser.AlterUserStatementContext c) {
            return new Statement.AlterUser(name(c.identifier()), password(c.password()));
        }
        if (ctx instanceof SqlParser.DropUserStatementContext c) {
            return new Statement.DropUser(name(c.identifier()), c.EXISTS() != null);
        }
        if (ctx instanceof SqlParser.GrantStatementContext c) {
            return new Statement.Grant(privileges(c.privileges()), grantTarget(c.grantTarget()),
                    names(c.identifierList()), false);
        }
        if (ctx instanceof SqlParser.RevokeStatementContext c) {
            return new Statement.Grant(privileges(c.privileges()), grantTarget(c.grantTarget()),
                    names(c.identifierList()), true);
        }
        if (ctx instanceof SqlParser.GrantRoleStatementContext c) {
            return new Statement.GrantRole(name(c.role), names(c.identifierList()), false);
        }
        if (ctx instanceof SqlParser.RevokeRoleStatementContext c) {
            return new Statement.GrantRole(name(c.role), names(c.identifierList()), true);
        }
        if (ctx instanceof SqlParser.ShowUsersStatementContext) {
            return new Statement.ShowUsers();
        }
        if (ctx instanceof SqlParser.ShowGrantsStatementContext c) {
            return new Statement.ShowGrants(c.identifier() == null ? null : name(c.identifier()));
        }
        return null;
    }

    private String password(SqlParser.PasswordContext ctx) {
        return ctx.STRING_LITERAL() == null ? null : unquoteString(ctx.STRING_LITERAL().getText());
    }

    private static java.util.Set<Statement.Privilege> privileges(SqlParser.PrivilegesContext ctx) {
        if (ctx.ALL() != null) {
            return java.util.EnumSet.allOf(Statement.Privilege.class);
        }
        java.util.Set<Statement.Privilege> out = java.util.EnumSet.noneOf(Statement.Privilege.class);
        for (SqlParser.PrivilegeContext p : ctx.privilege()) {
            out.add(Statement.Privilege.valueOf(p.getText().toUpperCase(Locale.ROOT)));
        }
        return out;
    }

    private String grantTarget(SqlParser.GrantTargetContext ctx) {
        return ctx.STAR() != null ? null : name(ctx.identifier());
    }

    private String setValue(SqlParser.SetValueContext ctx) {
        if (ctx.STRING_LITERAL() != null) {
            return unquoteString(ctx.STRING_LITERAL().getText());
        }
        if (ctx.identifier() != null) {
            return name(ctx.identifier());
        }
        return ctx.getText().toLowerCase(Locale.ROOT);
    }

    Statement.Select select(SqlParser.SelectStmtContext ctx) {
        List<SelectItem> items = new ArrayList<>();
        for (SqlParser.SelectItemContext item : ctx.selectItem()) {
            items.add(selectItem(item));
        }
        List<FromItem> from = new ArrayList<>();
        if (ctx.fromClause() != null) {
            from.add(fromItem(ctx.fromClause().tableRef(), null));
            for (SqlParser.JoinPartContext join : ctx.fromClause().joinPart()) {
                if (join instanceof SqlParser.CommaJoinContext c) {
                    from.add(fromItem(c.tableRef(), null));
                } else {
                    SqlParser.InnerJoinContext j = (SqlParser.InnerJoinContext) join;
                    from.add(fromItem(j.tableRef(), expr(j.expr())));
                }
            }
        }
        List<Expr> groupBy = new ArrayList<>();
        for (SqlParser.ExprContext g : ctx.groupBy) {
            groupBy.add(expr(g));
        }
        List<OrderItem> orderBy = new ArrayList<>();
        for (SqlParser.OrderItemContext o : ctx.orderItem()) {
            orderBy.add(new OrderItem(expr(o.expr()), o.DESC() != null));
        }
        return new Statement.Select(ctx.DISTINCT() != null, items, from, optional(ctx.asOf),
                optional(ctx.where), groupBy, optional(ctx.having), orderBy, optional(ctx.limit),
                optional(ctx.offset), ctx.FOR() != null);
    }

    private Expr optional(SqlParser.ExprContext ctx) {
        return ctx == null ? null : expr(ctx);
    }

    private FromItem fromItem(SqlParser.TableRefContext ref, Expr on) {
        return new FromItem(name(ref.identifier(0)), ref.alias == null ? null : name(ref.alias), on);
    }

    private SelectItem selectItem(SqlParser.SelectItemContext ctx) {
        if (ctx instanceof SqlParser.StarItemContext) {
            return new SelectItem(null, null, true, null);
        }
        if (ctx instanceof SqlParser.TableStarItemContext c) {
            return new SelectItem(null, null, true, name(c.identifier()));
        }
        SqlParser.ExprItemContext c = (SqlParser.ExprItemContext) ctx;
        return new SelectItem(expr(c.expr()), c.alias == null ? null : name(c.alias), false, null);
    }

    private List<SelectItem> returning(SqlParser.ReturningContext ctx) {
        List<SelectItem> out = new ArrayList<>();
        if (ctx != null) {
            for (SqlParser.SelectItemContext item : ctx.selectItem()) {
                out.add(selectItem(item));
            }
        }
        return out;
    }

    private Statement insert(SqlParser.InsertStmtContext ctx) {
        List<String> columns = ctx.identifierList() == null ? List.of() : names(ctx.identifierList());
        List<List<Expr>> rows = null;
        Statement.Select query = null;
        if (ctx.selectStmt() != null) {
            query = select(ctx.selectStmt());
        } else {
            rows = new ArrayList<>();
            for (SqlParser.ValuesRowContext row : ctx.valuesRow()) {
                rows.add(exprs(row.expr()));
            }
        }
        OnConflict onConflict = null;
        SqlParser.OnConflictContext oc = ctx.onConflict();
        if (oc != null) {
            List<String> target = oc.identifierList() == null ? List.of() : names(oc.identifierList());
            onConflict = new OnConflict(target, oc.NOTHING() != null, assignments(oc.assignment()),
                    oc.expr() == null ? null : expr(oc.expr()));
        }
        return new Statement.Insert(name(ctx.identifier()), columns, rows, query, onConflict,
                ctx.UPSERT() != null, returning(ctx.returning()));
    }

    private List<Assignment> assignments(List<SqlParser.AssignmentContext> list) {
        List<Assignment> out = new ArrayList<>();
        for (SqlParser.AssignmentContext a : list) {
            out.add(new Assignment(name(a.identifier()), expr(a.expr())));
        }
        return out;
    }

    private Statement createTable(SqlParser.CreateTableStmtContext ctx) {
        List<ColumnDef> columns = new ArrayList<>();
        List<String> primaryKey = new ArrayList<>();
        List<List<String>> uniques = new ArrayList<>();
        for (SqlParser.TableElementContext element : ctx.tableElement()) {
            if (element instanceof SqlParser.ColumnElementContext c) {
                columns.add(columnDef(c.columnDef()));
            } else if (element instanceof SqlParser.PrimaryKeyElementContext c) {
                if (!primaryKey.isEmpty()) {
                    throw error(element, "multiple primary keys for table are not allowed");
                }
                primaryKey.addAll(names(c.identifierList()));
            } else {
                uniques.add(names(((SqlParser.UniqueElementContext) element).identifierList()));
            }
        }
        return new Statement.CreateTable(name(ctx.identifier()), ctx.EXISTS() != null, columns,
                primaryKey, uniques);
    }

    private ColumnDef columnDef(SqlParser.ColumnDefContext ctx) {
        boolean notNull = false;
        boolean primaryKey = false;
        boolean unique = false;
        Expr defaultExpr = null;
        String defaultSql = null;
        for (SqlParser.ColumnConstraintContext c : ctx.columnConstraint()) {
            if (c instanceof SqlParser.NotNullConstraintContext) {
                notNull = true;
            } else if (c instanceof SqlParser.PrimaryKeyConstraintContext) {
                primaryKey = true;
            } else if (c instanceof SqlParser.UniqueConstraintContext) {
                unique = true;
            } else if (c instanceof SqlParser.DefaultConstraintContext d) {
                defaultExpr = expr(d.expr());
                defaultSql = sourceText(d.expr());
            }
        }
        SqlParser.TypeNameContext typeName = ctx.typeName();
        if (typeName.identifier() != null && name(typeName.identifier()).contains("serial")) {
            // SERIAL is INT8 NOT NULL DEFAULT unique_rowid(), as in CockroachDB.
            if (defaultExpr != null) {
                throw error(ctx, "column \"" + name(ctx.identifier()) + "\" of a SERIAL type cannot have a DEFAULT");
            }
            defaultExpr = new Expr.FunctionCall("unique_rowid", List.of(), false, false);
            defaultSql = "unique_rowid()";
            notNull = true;
        }
        return new ColumnDef(name(ctx.identifier()), type(typeName), notNull || primaryKey,
                defaultExpr, defaultSql, primaryKey, unique);
    }

    SqlType type(SqlParser.TypeNameContext ctx) {
        if (ctx.DOUBLE() != null && ctx.PRECISION() != null) {
            return SqlType.FLOAT;
        }
        String name = name(ctx.identifier());
        List<TerminalNode> args = ctx.INTEGER_LITERAL();
        int first = args.isEmpty() ? 0 : smallInt(ctx, args.get(0).getText());
        int second = args.size() < 2 ? 0 : smallInt(ctx, args.get(1).getText());
        SqlType type = switch (name) {
            case "int", "integer", "int8", "int4", "int2", "bigint", "smallint",
                 "serial", "bigserial", "smallserial", "serial8", "serial4", "serial2" -> SqlType.INT;
            case "float", "float8", "float4", "real", "double" -> SqlType.FLOAT;
            case "decimal", "numeric", "dec" -> {
                if (!args.isEmpty() && (first < 1 || second > first)) {
                    throw error(ctx, "DECIMAL(" + first + "," + second
                            + ") needs precision >= 1 and scale <= precision");
                }
                yield args.isEmpty() ? SqlType.DECIMAL : SqlType.decimal(first, second);
            }
            case "text", "string" -> SqlType.STRING;
            case "varchar", "char", "character" -> {
                if (!args.isEmpty() && first < 1) {
                    throw error(ctx, "length for type " + name + " must be at least 1");
                }
                yield args.isEmpty() ? SqlType.STRING : SqlType.varchar(first);
            }
            case "bool", "boolean" -> SqlType.BOOL;
            case "bytes", "bytea", "blob" -> SqlType.BYTES;
            case "timestamp", "timestamptz" -> SqlType.TIMESTAMP;
            default -> throw new SqlException(SqlState.UNDEFINED_OBJECT,
                    "type \"" + name + "\" does not exist " + position(ctx));
        };
        boolean takesArgs = type.family() == SqlType.Family.DECIMAL || type.family() == SqlType.Family.STRING
                && !name.equals("text") && !name.equals("string");
        if (!args.isEmpty() && !takesArgs) {
            throw error(ctx, "type " + name + " takes no length or precision");
        }
        return type;
    }

    private int smallInt(ParserRuleContext ctx, String text) {
        try {
            int v = Integer.parseInt(text);
            if (v > 10_000_000) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(ctx, "type modifier " + text + " is too large");
        }
    }

    // ---- expressions ----

    /**
     * Most operands one chain of a binary operator ({@code a + b + ...}, {@code x AND y AND ...})
     * may have: the chain becomes a tree as deep as it is long, which binding and evaluation walk
     * recursively. Longer chains are refused with 54001 (a long IN list is no chain and is fine).
     */
    static final int MAX_CHAIN_OPERANDS = 1_000;

    private static void checkChain(int operands) {
        if (operands > MAX_CHAIN_OPERANDS) {
            throw new SqlException(StatementParser.STATEMENT_TOO_COMPLEX, "statement too complex: one chain of"
                    + " operators has " + operands + " operands, the limit is " + MAX_CHAIN_OPERANDS
                    + " (AstBuilder.MAX_CHAIN_OPERANDS)");
        }
    }

    Expr expr(SqlParser.ExprContext ctx) {
        return or(ctx.orExpr());
    }

    private List<Expr> exprs(List<SqlParser.ExprContext> list) {
        List<Expr> out = new ArrayList<>(list.size());
        for (SqlParser.ExprContext e : list) {
            out.add(expr(e));
        }
        return out;
    }

    private Expr or(SqlParser.OrExprContext ctx) {
        // The operand lists are fetched once: ANTLR's ctx.andExpr(i) scans the children each time.
        List<SqlParser.AndExprContext> operands = ctx.andExpr();
        checkChain(operands.size());
        Expr out = and(operands.get(0));
        for (int i = 1; i < operands.size(); i++) {
            out = new Expr.Binary("OR", out, and(operands.get(i)));
        }
        return out;
    }

    private Expr and(SqlParser.AndExprContext ctx) {
        List<SqlParser.NotExprContext> operands = ctx.notExpr();
        checkChain(operands.size());
        Expr out = not(operands.get(0));
        for (int i = 1; i < operands.size(); i++) {
            out = new Expr.Binary("AND", out, not(operands.get(i)));
        }
        return out;
    }

    private Expr not(SqlParser.NotExprContext ctx) {
        if (ctx.NOT() != null) {
            return new Expr.Unary("NOT", not(ctx.notExpr()));
        }
        SqlParser.IsExprContext is = ctx.isExpr();
        Expr value = comparison(is.comparison());
        if (is.IS() != null) {
            return new Expr.IsNull(value, is.NOT() != null);
        }
        return value;
    }

    private Expr comparison(SqlParser.ComparisonContext ctx) {
        Expr left = predicate(ctx.predicate(0));
        if (ctx.compareOp() == null) {
            return left;
        }
        String op = ctx.compareOp().getText();
        if (op.equals("!=")) {
            op = "<>";
        }
        return new Expr.Binary(op, left, predicate(ctx.predicate(1)));
    }

    private Expr predicate(SqlParser.PredicateContext ctx) {
        Expr value = concat(ctx.concat(0));
        boolean negated = ctx.NOT() != null;
        if (ctx.BETWEEN() != null) {
            return new Expr.Between(value, concat(ctx.low), concat(ctx.high), negated);
        }
        if (ctx.IN() != null) {
            return new Expr.InList(value, exprs(ctx.expr()), negated);
        }
        if (ctx.LIKE() != null) {
            return new Expr.Like(value, concat(ctx.pattern), negated);
        }
        return value;
    }

    private Expr concat(SqlParser.ConcatContext ctx) {
        List<SqlParser.AdditiveContext> operands = ctx.additive();
        checkChain(operands.size());
        Expr out = additive(operands.get(0));
        for (int i = 1; i < operands.size(); i++) {
            out = new Expr.Binary("||", out, additive(operands.get(i)));
        }
        return out;
    }

    private Expr additive(SqlParser.AdditiveContext ctx) {
        List<SqlParser.MultiplicativeContext> operands = ctx.multiplicative();
        checkChain(operands.size());
        Expr out = multiplicative(operands.get(0));
        int operand = 1;
        for (int i = 1; i < ctx.getChildCount(); i += 2) {
            String op = ctx.getChild(i).getText();
            out = new Expr.Binary(op, out, multiplicative(operands.get(operand++)));
        }
        return out;
    }

    private Expr multiplicative(SqlParser.MultiplicativeContext ctx) {
        List<SqlParser.UnaryContext> operands = ctx.unary();
        checkChain(operands.size());
        Expr out = unary(operands.get(0));
        int operand = 1;
        for (int i = 1; i < ctx.getChildCount(); i += 2) {
            String op = ctx.getChild(i).getText();
            out = new Expr.Binary(op, out, unary(operands.get(operand++)));
        }
        return out;
    }

    private Expr unary(SqlParser.UnaryContext ctx) {
        if (ctx.postfix() != null) {
            return postfix(ctx.postfix());
        }
        Expr operand = unary(ctx.unary());
        if (ctx.MINUS() != null) {
            // Fold -<integer literal> here so that -9223372036854775808 is an INT, not an overflow.
            if (operand instanceof Expr.Literal lit && !lit.value().isNull()
                    && lit.value().family() == SqlType.Family.DECIMAL
                    && isIntegerLiteral(ctx.unary())) {
                BigDecimal negated = lit.value().asDecimal().negate();
                if (negated.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) == 0) {
                    return new Expr.Literal(Value.ofInt(Long.MIN_VALUE), false);
                }
            }
            return new Expr.Unary("-", operand);
        }
        return operand;
    }

    private static boolean isIntegerLiteral(SqlParser.UnaryContext ctx) {
        return ctx.postfix() != null && ctx.postfix().typeName().isEmpty()
                && ctx.postfix().primary() instanceof SqlParser.LiteralPrimaryContext lit
                && lit.literal().INTEGER_LITERAL() != null;
    }

    private Expr postfix(SqlParser.PostfixContext ctx) {
        Expr out = primary(ctx.primary());
        for (SqlParser.TypeNameContext type : ctx.typeName()) {
            out = new Expr.Cast(out, type(type));
        }
        return out;
    }

    private Expr primary(SqlParser.PrimaryContext ctx) {
        if (ctx instanceof SqlParser.LiteralPrimaryContext c) {
            return literal(c.literal());
        }
        if (ctx instanceof SqlParser.ParameterPrimaryContext c) {
            return parameter(c);
        }
        if (ctx instanceof SqlParser.CastPrimaryContext c) {
            return new Expr.Cast(expr(c.expr()), type(c.typeName()));
        }
        if (ctx instanceof SqlParser.FunctionPrimaryContext c) {
            return new Expr.FunctionCall(name(c.identifier()), exprs(c.expr()), c.DISTINCT() != null,
                    c.STAR() != null);
        }
        if (ctx instanceof SqlParser.ColumnPrimaryContext c) {
            if (c.identifier().size() == 2) {
                return new Expr.ColumnRef(name(c.identifier(0)), name(c.identifier(1)));
            }
            return new Expr.ColumnRef(null, name(c.identifier(0)));
        }
        return expr(((SqlParser.ParenPrimaryContext) ctx).expr());
    }

    private Expr parameter(SqlParser.ParameterPrimaryContext ctx) {
        int index;
        if (ctx.QUESTION() != null) {
            index = ++questionMarks;
        } else {
            dollarParameters = true;
            try {
                index = Integer.parseInt(ctx.PARAMETER().getText().substring(1));
            } catch (NumberFormatException tooLarge) {
                index = Integer.MAX_VALUE;
            }
        }
        if (questionMarks > 0 && dollarParameters) {
            throw error(ctx, "cannot mix ? and $n parameters");
        }
        if (index < 1 || index > MAX_PARAMETERS) {
            throw error(ctx, "parameter $" + index + " is out of range 1.." + MAX_PARAMETERS);
        }
        return new Expr.Parameter(index);
    }

    private Expr literal(SqlParser.LiteralContext ctx) {
        if (ctx.INTEGER_LITERAL() != null) {
            String text = ctx.getText();
            try {
                return new Expr.Literal(Value.ofInt(Long.parseLong(text)), false);
            } catch (NumberFormatException tooLarge) {
                return new Expr.Literal(Value.ofDecimal(new BigDecimal(text)), false);
            }
        }
        if (ctx.DECIMAL_LITERAL() != null) {
            try {
                return new Expr.Literal(Value.ofDecimal(new BigDecimal(ctx.getText())), false);
            } catch (NumberFormatException | ArithmeticException bad) {
                throw new SqlException(SqlState.INVALID_TEXT_REPRESENTATION,
                        "invalid number " + ctx.getText() + " " + position(ctx));
            }
        }
        if (ctx.STRING_LITERAL() != null) {
            return new Expr.Literal(Value.ofString(unquoteString(ctx.getText())), true);
        }
        if (ctx.HEX_LITERAL() != null) {
            String text = ctx.getText();
            String hex = text.substring(2, text.length() - 1);
            if (hex.length() % 2 != 0) {
                throw new SqlException(SqlState.INVALID_TEXT_REPRESENTATION,
                        "hex literal " + text + " has an odd number of digits " + position(ctx));
            }
            return new Expr.Literal(Value.ofBytes(HexFormat.of().parseHex(hex)), false);
        }
        if (ctx.TRUE() != null) {
            return new Expr.Literal(Value.TRUE, false);
        }
        if (ctx.FALSE() != null) {
            return new Expr.Literal(Value.FALSE, false);
        }
        return new Expr.Literal(Value.NULL, false);
    }

    // ---- names and positions ----

    private List<String> names(SqlParser.IdentifierListContext ctx) {
        List<String> out = new ArrayList<>();
        for (SqlParser.IdentifierContext id : ctx.identifier()) {
            out.add(name(id));
        }
        return out;
    }

    static String name(SqlParser.IdentifierContext ctx) {
        if (ctx.QUOTED_IDENTIFIER() != null) {
            String text = ctx.getText();
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        return ctx.getText().toLowerCase(Locale.ROOT);
    }

    private static String unquoteString(String text) {
        return text.substring(1, text.length() - 1).replace("''", "'");
    }

    private static String sourceText(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        return start.getInputStream().getText(Interval.of(start.getStartIndex(), stop.getStopIndex()));
    }

    private static String position(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        return "at line " + start.getLine() + ", column " + (start.getCharPositionInLine() + 1);
    }

    private static SqlException error(ParserRuleContext ctx, String message) {
        return new SqlException(SqlState.SYNTAX_ERROR, message + " " + position(ctx));
    }
}
