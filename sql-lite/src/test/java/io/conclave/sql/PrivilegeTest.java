package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.sql.auth.Passwords;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Users, passwords, GRANT/REVOKE and the 42501 checks, on the in-memory store. */
class PrivilegeTest {
    private SqlEngine engine;
    private Session root;

    @BeforeEach
    void setUp() {
        engine = new SqlEngine(new MemoryKv(), new MemoryAdmin());
        root = engine.openSession();
        root.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        root.execute("INSERT INTO t VALUES (1, 'a')");
        root.execute("CREATE USER alice WITH PASSWORD 'correct horse'");
        root.execute("CREATE USER bob");
    }

    @Test
    void passwordsAuthenticate() {
        assertTrue(engine.authenticate("alice", "correct horse"));
        assertFalse(engine.authenticate("alice", "wrong"));
        assertFalse(engine.authenticate("bob", "anything"), "bob has no password: certificate login only");
        assertFalse(engine.authenticate("carol", "x"), "no such user");
        assertTrue(engine.userExists("root"));
        assertTrue(engine.userExists("bob"));
        root.execute("ALTER USER alice WITH PASSWORD 'battery staple'");
        assertFalse(engine.authenticate("alice", "correct horse"));
        assertTrue(engine.authenticate("alice", "battery staple"));
        root.execute("ALTER USER alice PASSWORD NULL");
        assertFalse(engine.authenticate("alice", "battery staple"));
    }

    @Test
    void hashesAreSaltedAndSlow() {
        SplittableRandom random = new SplittableRandom(7);
        String a = Passwords.hash("secret", random::nextBytes);
        String b = Passwords.hash("secret", random::nextBytes);
        assertNotEquals(a, b, "two hashes of one password differ by their salt");
        assertTrue(a.startsWith("pbkdf2-sha256$" + Passwords.ITERATIONS + "$"), a);
        assertTrue(Passwords.ITERATIONS >= 100_000);
        assertTrue(Passwords.verify("secret", a) && Passwords.verify("secret", b));
        assertFalse(Passwords.verify("secreT", a));
        assertFalse(Passwords.verify("secret", "pbkdf2-sha256$x$y$z"));
        assertEquals("22023", assertThrows(SqlException.class,
                () -> root.execute("CREATE USER carol WITH PASSWORD ''")).sqlState());
    }

    @Test
    void tablePrivilegesAreChecked() {
        Session alice = engine.openSession("alice");
        denied(alice, "SELECT * FROM t", "SELECT privilege on table t");
        root.execute("GRANT SELECT ON TABLE t TO alice");
        assertEquals(1, alice.execute("SELECT * FROM t").rows().size());
        denied(alice, "INSERT INTO t VALUES (2, 'b')", "INSERT privilege on table t");
        denied(alice, "UPDATE t SET v = 'c'", "UPDATE privilege on table t");
        denied(alice, "DELETE FROM t", "DELETE privilege on table t");
        denied(alice, "UPSERT INTO t VALUES (1, 'z')", "privilege on table t");
        denied(alice, "CREATE INDEX ON t (v)", "CREATE privilege on table t");
        denied(alice, "DROP TABLE t", "CREATE privilege on table t");
        denied(alice, "EXPLAIN DELETE FROM t", "DELETE privilege on table t");
        root.execute("GRANT INSERT, UPDATE, DELETE ON t TO alice, bob");
        alice.execute("INSERT INTO t VALUES (2, 'b')");
        alice.execute("UPDATE t SET v = 'c' WHERE k = 2");
        alice.execute("DELETE FROM t WHERE k = 2");
        root.execute("REVOKE SELECT, DELETE ON t FROM alice");
        denied(alice, "SELECT * FROM t", "SELECT privilege on table t");
        denied(alice, "DELETE FROM t", "DELETE privilege on table t");
        alice.execute("INSERT INTO t VALUES (3, 'd')");
        Session bob = engine.openSession("bob");
        bob.execute("DELETE FROM t WHERE k = 3");
        denied(bob, "SELECT * FROM t", "user bob does not have SELECT privilege on table t");
    }

    @Test
    void creatingTablesAndOwnership() {
        Session alice = engine.openSession("alice");
        denied(alice, "CREATE TABLE mine (k INT PRIMARY KEY)", "CREATE privilege on the database");
        root.execute("GRANT CREATE ON * TO alice");
        alice.execute("CREATE TABLE mine (k INT PRIMARY KEY)");
        alice.execute("INSERT INTO mine VALUES (1)");
        assertEquals(1, alice.execute("SELECT * FROM mine").rows().size());
        denied(engine.openSession("bob"), "SELECT * FROM mine", "SELECT privilege on table mine");
        denied(alice, "SELECT * FROM t", "SELECT privilege on table t");
        Result grants = alice.execute("SHOW GRANTS");
        assertEquals(2, grants.rows().size(), grants.rows().toString());
    }

    @Test
    void adminRoleGuardsRangesUsersAndGrants() {
        Session alice = engine.openSession("alice");
        denied(alice, "ALTER TABLE t SPLIT AT VALUES (5)", "admin role");
        denied(alice, "CREATE USER carol", "admin role");
        denied(alice, "GRANT SELECT ON t TO alice", "admin role");
        denied(alice, "ALTER USER bob WITH PASSWORD 'x'", "admin role");
        denied(alice, "SHOW USERS", "admin role");
        denied(alice, "SET CLUSTER SETTING commit_wait = off", "admin role");
        alice.execute("ALTER USER alice WITH PASSWORD 'mine'"); // one's own password needs no role
        root.execute("GRANT admin TO alice");
        alice.execute("ALTER TABLE t SPLIT AT VALUES (5)");
        alice.execute("CREATE USER carol");
        alice.execute("SET CLUSTER SETTING commit_wait = off");
        assertEquals(1, alice.execute("SELECT * FROM t").rows().size(), "an admin holds every privilege");
        assertEquals(4, alice.execute("SHOW USERS").rows().size());
        root.execute("REVOKE admin FROM alice");
        denied(alice, "ALTER TABLE t SPLIT AT VALUES (6)", "admin role");
        denied(root, "REVOKE admin FROM root", "root cannot lose the admin role");
        denied(root, "DROP USER root", "root cannot be dropped");
        assertEquals("42704", assertThrows(SqlException.class, () -> root.execute("GRANT superuser TO alice")).sqlState());
    }

    @Test
    void droppedUserIsRefusedAtItsNextStatement() {
        root.execute("GRANT SELECT ON t TO bob");
        Session bob = engine.openSession("bob");
        bob.execute("SELECT * FROM t");
        root.execute("DROP USER bob");
        denied(bob, "SELECT * FROM t", "user bob does not exist");
        assertFalse(engine.userExists("bob"));
        root.execute("CREATE USER bob");
        denied(engine.openSession("bob"), "SELECT * FROM t", "SELECT privilege on table t"); // the grants went too
        assertEquals("42710", assertThrows(SqlException.class, () -> root.execute("CREATE USER bob")).sqlState());
        root.execute("CREATE USER IF NOT EXISTS bob");
        root.execute("DROP USER IF EXISTS nobody");
    }

    @Test
    void userNamesAreValidated() {
        assertEquals("42602", assertThrows(SqlException.class, () -> engine.openSession("Not Valid")).sqlState());
        assertEquals("42602", assertThrows(SqlException.class, () -> root.execute("CREATE USER \"a b\"")).sqlState());
    }

    private static void denied(Session session, String sql, String expected) {
        SqlException e = assertThrows(SqlException.class, () -> session.execute(sql), sql);
        assertEquals("42501", e.sqlState(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
