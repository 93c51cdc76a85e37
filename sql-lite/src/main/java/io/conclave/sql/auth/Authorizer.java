package io.conclave.sql.auth;

import io.conclave.sql.SqlException;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.Privilege;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.kv.SqlTxn;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before a statement runs, whether its session's user may run it; 42501 naming the
 * missing privilege and the object otherwise. One per statement: it reads the user's record and
 * grants once, in the statement's transaction. Root is never checked (nothing is read).
 */
public final class Authorizer {
    /** SQLSTATE insufficient_privilege. */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final SqlTxn txn;
    private final CatalogView catalog;
    private final String user;
    private Users.User record;
    private Map<Long, Set<Privilege>> grants;

    public Authorizer(SqlTxn txn, CatalogView catalog, String user) {
        this.txn = txn;
        this.catalog = catalog;
        this.user = user;
    }

    /** Throws 42501 unless the user may run {@code s}. */
    public void check(Statement s) {
        if (Users.ROOT.equals(user) || isAdmin()) {
            return;
        }
        if (s instanceof Statement.Select select) {
            for (Statement.FromItem from : select.from()) require(Privilege.SELECT, from.table());
        } else if (s instanceof Statement.Insert insert) {
            require(Privilege.INSERT, insert.table());
            if (insert.upsert() || (insert.onConflict() != null && !insert.onConflict().doNothing())) {
                require(Privilege.UPDATE, insert.table());
            }
            if (insert.query() != null) check(insert.query());
        } else if (s instanceof Statement.Update update) {
            require(Privilege.UPDATE, update.table());
        } else if (s instanceof Statement.Delete delete) {
            require(Privilege.DELETE, delete.table());
        } else if (s instanceof Statement.CreateTable) {
            if (!has(Privilege.CREATE, Users.ALL_TABLES)) {
                throw denied("user " + user + " does not have CREATE privilege on the database (GRANT CREATE ON * TO "
                        + user + ")");
            }
        } else if (s instanceof Statement.CreateIndex index) {
            require(Privilege.CREATE, index.table());
        } else if (s instanceof Statement.DropTable drop) {
            if (catalog.find(drop.name()) != null) require(Privilege.CREATE, drop.name());
        } else if (s instanceof Statement.DropIndex drop) {
            if (drop.table() != null) require(Privilege.CREATE, drop.table());
            else requireAdmin("DROP INDEX without a table name");
        } else if (s instanceof Statement.ShowRanges show) {
            require(Privilege.SELECT, show.table());
        } else if (s instanceof Statement.SplitAt) {
            requireAdmin("ALTER TABLE ... SPLIT AT");
        } else if (s instanceof Statement.AlterUser alter) {
            if (!alter.name().equals(user)) requireAdmin("ALTER USER of another user");
        } else if (s instanceof Statement.CreateUser || s instanceof Statement.DropUser
                || s instanceof Statement.Grant || s instanceof Statement.GrantRole) {
            requireAdmin(kind(s));
        } else if (s instanceof Statement.ShowGrants show) {
            if (show.user() != null && !show.user().equals(user)) requireAdmin("SHOW GRANTS FOR another user");
        } else if (s instanceof Statement.ShowUsers) {
            requireAdmin("SHOW USERS");
        } else if (s instanceof Statement.Explain explain) {
            check(explain.statement());
        } else if (!(s instanceof Statement.ShowTables || s instanceof Statement.ShowCreateTable
                || s instanceof Statement.ShowColumns)) {
            // Schema is visible to every user; anything this check does not know (a statement
            // added later, e.g. a cluster setting) is for admins until someone says otherwise.
            requireAdmin(s.getClass().getSimpleName() + " statements");
        }
    }

    /** Throws 42501 unless the user holds the admin role, naming {@code what} needs it. */
    public void requireAdminRole(String what) {
        if (!Users.ROOT.equals(user)) requireAdmin(what);
    }

    /** Whether the user holds the admin role (root always does). */
    public boolean isAdmin() {
        if (Users.ROOT.equals(user)) return true;
        return record().admin();
    }

    private void require(Privilege privilege, String tableName) {
        TableDescriptor table = catalog.table(tableName); // 42P01 for a missing table, as without the check
        if (!has(privilege, table.id())) {
            throw denied("user " + user + " does not have " + privilege + " privilege on table " + table.name());
        }
    }

    private boolean has(Privilege privilege, long tableId) {
        Map<Long, Set<Privilege>> all = grants();
        return all.getOrDefault(tableId, Set.of()).contains(privilege)
                || all.getOrDefault(Users.ALL_TABLES, Set.of()).contains(privilege);
    }

    private void requireAdmin(String what) {
        if (!isAdmin()) {
            throw denied("user " + user + " does not have the " + Users.ADMIN_ROLE + " role, which " + what
                    + " requires");
        }
    }

    private Users.User record() {
        if (record == null) {
            // A session outlives a DROP USER: its next statement finds no record and is refused.
            record = Users.get(txn, user).orElseThrow(() -> denied("user " + user + " does not exist"));
        }
        return record;
    }

    private Map<Long, Set<Privilege>> grants() {
        if (grants == null) {
            record();
            grants = Users.grants(txn, user);
        }
        return grants;
    }

    private static SqlException denied(String message) {
        return new SqlException(INSUFFICIENT_PRIVILEGE, message);
    }

    private static String kind(Statement s) {
        if (s instanceof Statement.CreateUser) return "CREATE USER";
        if (s instanceof Statement.DropUser) return "DROP USER";
        if (s instanceof Statement.GrantRole g) return g.revoke() ? "REVOKE of a role" : "GRANT of a role";
        return ((Statement.Grant) s).revoke() ? "REVOKE" : "GRANT";
    }
}
