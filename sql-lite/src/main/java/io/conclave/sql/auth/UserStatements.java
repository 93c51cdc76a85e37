package io.conclave.sql.auth;

import io.conclave.sql.Column;
import io.conclave.sql.Result;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.Privilege;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.kv.SqlTxn;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs CREATE/ALTER/DROP USER, GRANT, REVOKE, SHOW USERS and SHOW GRANTS in the statement's
 * transaction. Whether the session may run them is the {@link Authorizer}'s business, before.
 */
public final class UserStatements {
    private final SqlTxn txn;
    private final CatalogView catalog;
    private final String sessionUser;
    private final Consumer<byte[]> saltSource;

    public UserStatements(SqlTxn txn, CatalogView catalog, String sessionUser, Consumer<byte[]> saltSource) {
        this.txn = txn;
        this.catalog = catalog;
        this.sessionUser = sessionUser;
        this.saltSource = saltSource;
    }

    /** Whether {@code s} is one of these statements. */
    public static boolean handles(Statement s) {
        return s instanceof Statement.CreateUser || s instanceof Statement.AlterUser || s instanceof Statement.DropUser
                || s instanceof Statement.Grant || s instanceof Statement.GrantRole || s instanceof Statement.ShowUsers
                || s instanceof Statement.ShowGrants;
    }

    public Result execute(Statement s) {
        if (s instanceof Statement.CreateUser create) return createUser(create);
        if (s instanceof Statement.AlterUser alter) return alterUser(alter);
        if (s instanceof Statement.DropUser drop) return dropUser(drop);
        if (s instanceof Statement.Grant grant) return grant(grant);
        if (s instanceof Statement.GrantRole role) return grantRole(role);
        if (s instanceof Statement.ShowUsers) return showUsers();
        if (s instanceof Statement.ShowGrants show) return showGrants(show.user() == null ? sessionUser : show.user());
        throw new IllegalArgumentException("not a user statement: " + s);
    }

    /** After CREATE TABLE by a user who is not an admin: the creator gets every privilege on it. */
    public static void grantOwner(SqlTxn txn, CatalogView catalog, String user, String table) {
        TableDescriptor created = catalog.find(table);
        if (created != null) Users.setGrants(txn, user, created.id(), EnumSet.allOf(Privilege.class));
    }

    private Result createUser(Statement.CreateUser create) {
        String name = Users.checkName(create.name());
        if (Users.get(txn, name).isPresent()) {
            if (create.ifNotExists()) return Result.tagOnly("CREATE USER");
            throw new SqlException(SqlState.DUPLICATE_OBJECT, "user " + name + " already exists");
        }
        String hash = create.password() == null ? null : Passwords.hash(create.password(), saltSource);
        Users.put(txn, new Users.User(name, false, hash));
        return Result.tagOnly("CREATE USER");
    }

    private Result alterUser(Statement.AlterUser alter) {
        Users.User user = existing(alter.name());
        String hash = alter.password() == null ? null : Passwords.hash(alter.password(), saltSource);
        Users.put(txn, new Users.User(user.name(), user.admin(), hash));
        return Result.tagOnly("ALTER USER");
    }

    private Result dropUser(Statement.DropUser drop) {
        if (Users.ROOT.equals(drop.name())) {
            throw new SqlException(Authorizer.INSUFFICIENT_PRIVILEGE, "user root cannot be dropped");
        }
        if (Users.get(txn, drop.name()).isEmpty()) {
            if (drop.ifExists()) return Result.tagOnly("DROP USER");
            throw new SqlException(SqlState.UNDEFINED_OBJECT, "user " + drop.name() + " does not exist");
        }
        Users.delete(txn, drop.name());
        return Result.tagOnly("DROP USER");
    }

    private Result grant(Statement.Grant grant) {
        long tableId = grant.table() == null ? Users.ALL_TABLES : catalog.table(grant.table()).id();
        for (String name : grant.users()) {
            existing(name);
            Set<Privilege> held = EnumSet.noneOf(Privilege.class);
            held.addAll(Users.grants(txn, name).getOrDefault(tableId, Set.of()));
            if (grant.revoke()) held.removeAll(grant.privileges());
            else held.addAll(grant.privileges());
            Users.setGrants(txn, name, tableId, held);
        }
        return Result.tagOnly(grant.revoke() ? "REVOKE" : "GRANT");
    }

    private Result grantRole(Statement.GrantRole role) {
        if (!Users.ADMIN_ROLE.equals(role.role())) {
            throw new SqlException(SqlState.UNDEFINED_OBJECT, "role " + role.role() + " does not exist (the one role is "
                    + Users.ADMIN_ROLE + "; table privileges are granted ON a table)");
        }
        for (String name : role.users()) {
            Users.User user = existing(name);
            if (Users.ROOT.equals(name) && role.revoke()) {
                throw new SqlException(Authorizer.INSUFFICIENT_PRIVILEGE, "root cannot lose the admin role");
            }
            Users.put(txn, new Users.User(user.name(), !role.revoke(), user.passwordHash()));
        }
        return Result.tagOnly(role.revoke() ? "REVOKE" : "GRANT");
    }

    private Result showUsers() {
        List<List<Value>> rows = new ArrayList<>();
        for (Users.User user : Users.all(txn)) {
            rows.add(List.of(Value.ofString(user.name()), Value.ofBool(user.admin()),
                    Value.ofBool(user.passwordHash() != null)));
        }
        return new Result(List.of(new Column("username", SqlType.STRING), new Column("admin", SqlType.BOOL),
                new Column("has_password", SqlType.BOOL)), rows, rows.size(), "SHOW USERS");
    }

    private Result showGrants(String name) {
        existing(name);
        Map<Long, String> tableNames = new java.util.HashMap<>();
        for (TableDescriptor t : catalog.tables()) tableNames.put(t.id(), t.name());
        List<List<Value>> rows = new ArrayList<>();
        for (Map.Entry<Long, Set<Privilege>> entry : Users.grants(txn, name).entrySet()) {
            String table = entry.getKey() == Users.ALL_TABLES ? "*" : tableNames.get(entry.getKey());
            if (table == null) continue; // a dropped table's leftover grant
            Set<String> privileges = new TreeSet<>();
            entry.getValue().forEach(p -> privileges.add(p.name()));
            rows.add(List.of(Value.ofString(name), Value.ofString(table), Value.ofString(String.join(", ", privileges))));
        }
        return new Result(List.of(new Column("username", SqlType.STRING), new Column("table_name", SqlType.STRING),
                new Column("privileges", SqlType.STRING)), rows, rows.size(), "SHOW GRANTS");
    }

    private Users.User existing(String name) {
        return Users.get(txn, name).orElseThrow(() ->
                new SqlException(SqlState.UNDEFINED_OBJECT, "user " + name + " does not exist"));
    }
}
