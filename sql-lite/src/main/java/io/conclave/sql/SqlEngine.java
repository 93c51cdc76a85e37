package io.conclave.sql;

import io.conclave.sql.catalog.Catalog;
import io.conclave.sql.kv.SqlAdmin;
import io.conclave.sql.kv.SqlKv;

/**
 * The SQL engine of one node: the KV store it runs on, optional range administration, and the
 * catalog cache shared by its sessions. Thread-safe; sessions are not.
 */
public final class SqlEngine {
    /**
     * How many times an implicit (single-statement) transaction is run again after a
     * serialization failure (40001) before the error reaches the client. Each attempt is a new
     * transaction, so the bound keeps a hot-spot from spinning a session forever.
     */
    public static final int MAX_IMPLICIT_ATTEMPTS = 10;

    private final SqlKv kv;
    private final SqlAdmin admin;
    private final Catalog catalog = new Catalog();

    /** {@code admin} may be null: SHOW RANGES and SPLIT AT then fail with 0A000. */
    public SqlEngine(SqlKv kv, SqlAdmin admin) {
        if (kv == null) {
            throw new IllegalArgumentException("SqlEngine needs a SqlKv");
        }
        this.kv = kv;
        this.admin = admin;
    }

    public Session openSession() {
        return new Session(this);
    }

    SqlKv kv() {
        return kv;
    }

    SqlAdmin admin() {
        return admin;
    }

    Catalog catalog() {
        return catalog;
    }
}
