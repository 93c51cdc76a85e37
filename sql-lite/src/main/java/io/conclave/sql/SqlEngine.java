package io.conclave.sql;

import io.conclave.sql.catalog.Catalog;
import io.conclave.sql.exec.UniqueIds;
import io.conclave.sql.kv.SqlAdmin;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.auth.Passwords;
import io.conclave.sql.auth.Users;
import io.conclave.sql.kv.SqlTxn;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The SQL engine of one node: the KV store it runs on, optional range administration, and the
 * catalog cache shared by its sessions. Thread-safe; sessions are not.
 */
public final class SqlEngine {
    private final SqlKv kv;
    private final SqlAdmin admin;
    private final LongSupplier clockNanos;
    private final UniqueIds uniqueIds;
    private final Catalog catalog = new Catalog();
    /** Fills the salt of each new password hash; the engine's one random source, at the edge. */
    private final Consumer<byte[]> saltSource = new SecureRandom()::nextBytes;

    /**
     * {@code admin} may be null: SHOW RANGES and SPLIT AT then fail with 0A000. Statement
     * timeouts and EXPLAIN ANALYZE's phase times use the JVM's monotonic clock; this constructor
     * is the edge where that clock enters.
     */
    public SqlEngine(SqlKv kv, SqlAdmin admin) {
        this(kv, admin, System::nanoTime);
    }

    /** As above with the monotonic nanosecond clock given (tests, simulations). */
    public SqlEngine(SqlKv kv, SqlAdmin admin, LongSupplier clockNanos) {
        this(kv, admin, clockNanos, 0);
    }

    /**
     * As above with this engine's instance id (0..32767; the node id when wired), which makes
     * its unique_rowid() values and hidden row ids distinct from every other engine's.
     */
    public SqlEngine(SqlKv kv, SqlAdmin admin, LongSupplier clockNanos, int instanceId) {
        if (kv == null || clockNanos == null) {
            throw new IllegalArgumentException("SqlEngine needs a SqlKv and a clock");
        }
        this.kv = kv;
        this.admin = admin;
        this.clockNanos = clockNanos;
        this.uniqueIds = new UniqueIds(instanceId);
    }

    UniqueIds uniqueIds() {
        return uniqueIds;
    }

    LongSupplier clockNanos() {
        return clockNanos;
    }

    /** A session as root (every privilege; what an insecure node gives every client). */
    public Session openSession() {
        return new Session(this, Users.ROOT);
    }

    /**
     * A session as {@code user}, who must have been authenticated already ({@link #authenticate},
     * or a client certificate naming it and {@link #userExists}).
     */
    public Session openSession(String user) {
        return new Session(this, Users.checkName(user));
    }

    /** Whether {@code user} exists with {@code password}; false for an unknown user or a user without one. */
    public boolean authenticate(String user, String password) {
        Optional<Users.User> found = readUser(user);
        return found.isPresent() && Passwords.verify(password, found.get().passwordHash());
    }

    /** Whether {@code user} exists (root always does). */
    public boolean userExists(String user) {
        return readUser(user).isPresent();
    }

    /** Whether {@code user} exists and holds the admin role (root always does). */
    public boolean isAdmin(String user) {
        return Users.ROOT.equals(user) || readUser(user).map(Users.User::admin).orElse(false);
    }

    private Optional<Users.User> readUser(String user) {
        SqlTxn txn = kv.begin();
        try {
            Optional<Users.User> found = Users.get(txn, user);
            txn.commit();
            return found;
        } catch (RuntimeException e) {
            txn.rollback();
            throw e;
        }
    }

    Consumer<byte[]> saltSource() {
        return saltSource;
    }

    SqlKv kv() {
        return kv;
    }

    SqlAdmin admin() {
        return admin;
    }

    /** Statements this engine planned and ran under its catalog lease, reading no catalog version. */
    public long statementsUnderCatalogLease() {
        return catalog.leasedStatements();
    }

    /** Catalog leases this engine's version reads were granted (taken or renewed). */
    public long catalogLeasesTaken() {
        return catalog.leasesTaken();
    }

    Catalog catalog() {
        return catalog;
    }
}
