package io.conclave.sql.auth;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Statement.Privilege;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.SqlTxn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The stored users and grants (system tables 4 and 5), read and written in a transaction. */
public final class Users {
    /** The built-in administrator: always exists, always admin. */
    public static final String ROOT = "root";
    /** The one role: range administration, users and grants. */
    public static final String ADMIN_ROLE = "admin";
    /** Users' records. */
    public static final long USERS_TABLE_ID = 4;
    /** Privileges of a user on a table (or on every table: {@link #ALL_TABLES}). */
    public static final long GRANTS_TABLE_ID = 5;
    /** The table id of {@code ON *}: every table, and the right to create tables. */
    public static final long ALL_TABLES = 0;
    /** Most users (and grants of one user) a listing reads. */
    public static final int MAX_LISTED = 10_000;
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_\\-]{0,62}");

    /** One user: whether it is an admin, and its password hash (null: certificate login only). */
    public record User(String name, boolean admin, String passwordHash) {}

    private Users() {
    }

    /** Throws 42602 unless {@code name} can be a user (also a certificate name and a file name). */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SqlException("42602", "invalid user name \"" + name + "\": use 1 to 63 lower-case letters,"
                    + " digits, '_' or '-', starting with a letter or '_'");
        }
        return name;
    }

    public static Optional<User> get(SqlTxn txn, String name) {
        byte[] value = txn.get(userKey(name));
        if (value == null) {
            return ROOT.equals(name) ? Optional.of(new User(ROOT, true, null)) : Optional.empty();
        }
        return Optional.of(decode(name, value));
    }

    public static void put(SqlTxn txn, User user) {
        byte[] hash = user.passwordHash() == null ? new byte[0] : user.passwordHash().getBytes(StandardCharsets.US_ASCII);
        txn.put(userKey(user.name()), new ByteSink(1 + hash.length).write(user.admin() ? 1 : 0).write(hash).toByteArray());
    }

    /** Removes the user and every grant it holds. */
    public static void delete(SqlTxn txn, String name) {
        txn.delete(userKey(name));
        for (Long table : grants(txn, name).keySet()) {
            txn.delete(grantKey(name, table));
        }
    }

    /** Every stored user, root first even when it has no record. */
    public static List<User> all(SqlTxn txn) {
        byte[] start = TableKeys.indexPrefix(USERS_TABLE_ID, TableKeys.PRIMARY_INDEX_ID);
        List<User> out = new ArrayList<>();
        boolean root = false;
        for (KeyValue kv : txn.scan(start, KeyEncoding.prefixEnd(start), MAX_LISTED)) {
            String name = TableKeys.decodeColumns(kv.key(), start.length).get(0).asString();
            root |= name.equals(ROOT);
            out.add(decode(name, kv.value()));
        }
        if (!root) out.add(0, new User(ROOT, true, null));
        return out;
    }

    /** The user's privileges by table id ({@link #ALL_TABLES} for {@code ON *}). */
    public static Map<Long, Set<Privilege>> grants(SqlTxn txn, String user) {
        byte[] prefix = TableKeys.key(GRANTS_TABLE_ID, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofString(user)));
        Map<Long, Set<Privilege>> out = new LinkedHashMap<>();
        for (KeyValue kv : txn.scan(prefix, KeyEncoding.prefixEnd(prefix), MAX_LISTED)) {
            List<Value> columns = TableKeys.decodeColumns(kv.key(),
                    TableKeys.indexPrefix(GRANTS_TABLE_ID, TableKeys.PRIMARY_INDEX_ID).length);
            out.put(columns.get(1).asLong(), fromMask(kv.value().length == 0 ? 0 : kv.value()[0]));
        }
        return out;
    }

    /** Replaces the user's privileges on one table; an empty set removes the record. */
    public static void setGrants(SqlTxn txn, String user, long tableId, Set<Privilege> privileges) {
        if (privileges.isEmpty()) {
            txn.delete(grantKey(user, tableId));
        } else {
            txn.put(grantKey(user, tableId), new byte[] {(byte) toMask(privileges)});
        }
    }

    private static byte[] userKey(String name) {
        return TableKeys.key(USERS_TABLE_ID, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofString(name)));
    }

    private static byte[] grantKey(String user, long tableId) {
        return TableKeys.key(GRANTS_TABLE_ID, TableKeys.PRIMARY_INDEX_ID,
                List.of(Value.ofString(user), Value.ofInt(tableId)));
    }

    private static User decode(String name, byte[] value) {
        if (value.length == 0) throw new IllegalStateException("empty record of user " + name);
        String hash = value.length == 1 ? null : new String(value, 1, value.length - 1, StandardCharsets.US_ASCII);
        return new User(name, value[0] == 1 || ROOT.equals(name), hash);
    }

    private static int toMask(Set<Privilege> privileges) {
        int mask = 0;
        for (Privilege p : privileges) mask |= 1 << p.ordinal();
        return mask;
    }

    private static Set<Privilege> fromMask(int mask) {
        Set<Privilege> out = EnumSet.noneOf(Privilege.class);
        for (Privilege p : Privilege.values()) {
            if ((mask & (1 << p.ordinal())) != 0) out.add(p);
        }
        return out;
    }
}
