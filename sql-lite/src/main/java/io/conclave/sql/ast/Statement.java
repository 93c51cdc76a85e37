package io.conclave.sql.ast;

import io.conclave.sql.SqlType;
import java.util.List;

/** One parsed SQL statement. Names are lower-cased unless they were double-quoted. */
public sealed interface Statement {
    record Select(boolean distinct, List<SelectItem> items, List<FromItem> from, Expr asOf,
                  Expr where, List<Expr> groupBy, Expr having, List<OrderItem> orderBy,
                  Expr limit, Expr offset, boolean forUpdate) implements Statement {
        public Select {
            items = List.copyOf(items);
            from = List.copyOf(from);
            groupBy = List.copyOf(groupBy);
            orderBy = List.copyOf(orderBy);
        }
    }

    /**
     * {@code INSERT}/{@code UPSERT}: rows come from VALUES ({@code rows}) or a query
     * ({@code query}); {@code columns} is empty when not listed.
     */
    record Insert(String table, List<String> columns, List<List<Expr>> rows, Select query,
                  OnConflict onConflict, boolean upsert, List<SelectItem> returning) implements Statement {
        public Insert {
            columns = List.copyOf(columns);
            rows = rows == null ? null : rows.stream().map(List::copyOf).toList();
            returning = List.copyOf(returning);
        }
    }

    record Update(String table, List<Assignment> assignments, Expr where,
                  List<SelectItem> returning) implements Statement {
        public Update {
            assignments = List.copyOf(assignments);
            returning = List.copyOf(returning);
        }
    }

    record Delete(String table, Expr where, List<SelectItem> returning) implements Statement {
        public Delete {
            returning = List.copyOf(returning);
        }
    }

    record CreateTable(String name, boolean ifNotExists, List<ColumnDef> columns,
                       List<String> primaryKey, List<List<String>> uniques) implements Statement {
        public CreateTable {
            columns = List.copyOf(columns);
            primaryKey = List.copyOf(primaryKey);
            uniques = uniques.stream().map(List::copyOf).toList();
        }
    }

    record CreateIndex(String name, String table, List<String> columns, boolean unique,
                       boolean ifNotExists) implements Statement {
        public CreateIndex {
            columns = List.copyOf(columns);
        }
    }

    record DropTable(String name, boolean ifExists) implements Statement {}

    /** {@code DROP INDEX [table@]name}; {@code table} is null when not given. */
    record DropIndex(String table, String name, boolean ifExists) implements Statement {}

    record Begin() implements Statement {}

    record Commit() implements Statement {}

    record Rollback() implements Statement {}

    record SetVariable(String name, String value) implements Statement {}

    /** SHOW name; SHOW ALL has the name "all". */
    record ShowVariable(String name) implements Statement {}

    /**
     * RESET name, or SET name TO DEFAULT ({@code tag} "SET", as PostgreSQL answers it); RESET ALL
     * has {@code name} null.
     */
    record ResetVariable(String name, String tag) implements Statement {}

    /** SET CLUSTER SETTING: a setting every node of the cluster follows, stored in the keyspace. */
    record SetClusterSetting(String name, String value) implements Statement {}

    /** SHOW CLUSTER SETTING name, or with {@code name} null SHOW CLUSTER SETTINGS (all of them). */
    record ShowClusterSetting(String name) implements Statement {}

    record ShowTables() implements Statement {}

    record ShowCreateTable(String table) implements Statement {}

    record ShowRanges(String table) implements Statement {}

    record ShowColumns(String table) implements Statement {}

    record SplitAt(String table, List<List<Expr>> rows) implements Statement {
        public SplitAt {
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    record Explain(Statement statement, boolean analyze) implements Statement {}

    /** {@code CREATE USER}; {@code password} null for none (the user then logs in by certificate only). */
    record CreateUser(String name, boolean ifNotExists, String password) implements Statement {}

    /** {@code ALTER USER ... WITH PASSWORD}; null removes the password. */
    record AlterUser(String name, String password) implements Statement {}

    record DropUser(String name, boolean ifExists) implements Statement {}

    /**
     * {@code GRANT}/{@code REVOKE} of table privileges; {@code table} null means every table
     * ({@code ON *}), present and future, which is also where CREATE TABLE is granted.
     */
    record Grant(java.util.Set<Privilege> privileges, String table, List<String> users, boolean revoke)
            implements Statement {
        public Grant {
            privileges = java.util.Set.copyOf(privileges);
            users = List.copyOf(users);
        }
    }

    /** {@code GRANT admin TO ...} / {@code REVOKE admin FROM ...}. */
    record GrantRole(String role, List<String> users, boolean revoke) implements Statement {
        public GrantRole {
            users = List.copyOf(users);
        }
    }

    record ShowUsers() implements Statement {}

    /** {@code SHOW GRANTS [FOR user]}; {@code user} null for the session's own. */
    record ShowGrants(String user) implements Statement {}

    /** The table privileges GRANT and REVOKE name. */
    enum Privilege { SELECT, INSERT, UPDATE, DELETE, CREATE }

    // ---- parts ----

    /** A select list entry: an expression with optional alias, {@code *} or {@code t.*}. */
    record SelectItem(Expr expr, String alias, boolean star, String starTable) {}

    /** A table in FROM; {@code on} is the join condition (null for the first and comma joins). */
    record FromItem(String table, String alias, Expr on) {
        public String effectiveName() {
            return alias != null ? alias : table;
        }
    }

    record OrderItem(Expr expr, boolean descending) {}

    record Assignment(String column, Expr value) {}

    /** ON CONFLICT: DO NOTHING, or DO UPDATE SET ... [WHERE]. */
    record OnConflict(List<String> target, boolean doNothing, List<Assignment> updates, Expr where) {
        public OnConflict {
            target = List.copyOf(target);
            updates = List.copyOf(updates);
        }
    }

    /** A column definition; {@code defaultSql} is the DEFAULT's source text for SHOW CREATE. */
    record ColumnDef(String name, SqlType type, boolean notNull, Expr defaultExpr, String defaultSql,
                     boolean primaryKey, boolean unique) {}
}
