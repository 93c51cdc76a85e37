package io.conclave.node.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.driver.SqlProtocol;
import io.conclave.driver.proto.ServerMessage;
import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.Transport;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.sql.SqlEngine;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.PrintStream;
import java.io.BufferedReader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQL service on a real transport port (one node, an in-memory store): the protocol switch,
 * the JDBC driver against it, the shell, and the limits. Node frames on the same port still work.
 */
class SqlServerTest {
    private Transport transport;
    private SqlServer server;
    private String url;

    private void start(SqlServerSettings settings) {
        SqlEngine engine = new SqlEngine(new MemoryKv(), null);
        server = new SqlServer(7, () -> engine, settings);
        transport = Transport.start(7, "test-cluster", 250_000_000L, new InetSocketAddress("127.0.0.1", 0),
                TransportConfig.defaults(), FrameClock.none(),
                (frame, connection) -> connection.send(Frame.newBuilder().setRequestId(frame.getRequestId())
                        .setError(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.BAD_REQUEST).setMessage("pong"))
                        .build()),
                server::onAccept);
        url = "jdbc:conclave://127.0.0.1:" + transport.listenAddress().getPort();
    }

    /** A node's SQL service on a port of its own; node frames to it go unanswered. */
    private static Transport listen(long nodeId, SqlServer sqlServer) {
        return Transport.start(nodeId, "test-cluster", 250_000_000L, new InetSocketAddress("127.0.0.1", 0),
                TransportConfig.defaults(), FrameClock.none(), (frame, connection) -> { }, sqlServer::onAccept);
    }

    /** Another node's SQL service on a port of its own, with its own engine. */
    private record OtherNode(SqlServer server, Transport transport) implements AutoCloseable {
        static OtherNode start(long nodeId, SqlEngine engine) {
            SqlServer server = new SqlServer(nodeId, () -> engine, SqlServerSettings.defaults());
            return new OtherNode(server, listen(nodeId, server));
        }

        /** Over an in-memory store of its own. */
        static OtherNode start(long nodeId) {
            return start(nodeId, new SqlEngine(new MemoryKv(), null));
        }

        String hostPort() {
            return "127.0.0.1:" + transport.listenAddress().getPort();
        }

        @Override
        public void close() {
            transport.close();
            server.close();
        }
    }

    /**
     * Waits, within 10 s, until {@code settled} holds and a session that last had a reply at
     * {@code lastReplyNanos} is past the driver's idle check threshold (1 s).
     */
    private static void awaitIdle(long lastReplyNanos, java.util.function.BooleanSupplier settled)
            throws InterruptedException {
        long idle = TimeUnit.MILLISECONDS.toNanos(1_100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!settled.getAsBoolean() || System.nanoTime() - lastReplyNanos < idle) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @BeforeEach
    void setUp() {
        start(SqlServerSettings.defaults());
    }

    @AfterEach
    void tearDown() {
        transport.close();
        server.close();
    }

    @Test
    void jdbcRoundTripOfEveryType() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertEquals(0, s.executeUpdate("CREATE TABLE t (k INT PRIMARY KEY, s STRING, b BYTES, d DECIMAL, f FLOAT,"
                    + " ok BOOL, ts TIMESTAMP)"));
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, -1);
                p.setString(2, "it's -- not a comment; ?");
                p.setBytes(3, new byte[] {0, (byte) 0xff, '\''});
                p.setBigDecimal(4, new BigDecimal("-12.50"));
                p.setDouble(5, 0.1);
                p.setBoolean(6, true);
                p.setTimestamp(7, java.sql.Timestamp.valueOf("2026-01-02 03:04:05.123456"));
                assertEquals(1, p.executeUpdate());
                p.setLong(1, 2);
                for (int i = 2; i <= 7; i++) p.setNull(i, java.sql.Types.NULL);
                assertEquals(1, p.executeUpdate());
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM t ORDER BY k")) {
                assertEquals(7, rs.getMetaData().getColumnCount());
                assertEquals(java.sql.Types.BIGINT, rs.getMetaData().getColumnType(1));
                assertTrue(rs.next());
                assertEquals(-1, rs.getInt("k"));
                assertEquals("it's -- not a comment; ?", rs.getString(2));
                assertArrayEquals(new byte[] {0, (byte) 0xff, '\''}, rs.getBytes(3));
                assertEquals(0, new BigDecimal("-12.50").compareTo(rs.getBigDecimal(4)));
                assertEquals(0.1, rs.getDouble(5));
                assertTrue(rs.getBoolean(6));
                assertEquals(java.sql.Timestamp.valueOf("2026-01-02 03:04:05.123456"), rs.getTimestamp(7));
                assertTrue(rs.next());
                assertNull(rs.getString(2));
                assertTrue(rs.wasNull());
                assertEquals(0, rs.getLong(4));
                assertTrue(rs.wasNull());
                assertFalse(rs.next());
            }
        }
    }

    /**
     * A prepared statement's values travel beside its text: bound where the statement takes
     * parameters (typed as the literal would have been), and inlined as literals where it does
     * not (a DEFAULT, SET, AS OF SYSTEM TIME), so every statement accepts them as before.
     */
    @Test
    void parametersAreBoundInQueriesAndInlinedWhereAStatementCannotBindThem() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (PreparedStatement ddl = c.prepareStatement("CREATE TABLE d (k INT PRIMARY KEY, v INT DEFAULT ?, w STRING)")) {
                ddl.setInt(1, 7);
                ddl.executeUpdate();
            }
            try (PreparedStatement set = c.prepareStatement("SET application_name = ?")) {
                set.setString(1, "it's ?");
                set.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                assertTrue(rs.next());
                assertEquals("it's ?", rs.getString(1));
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO d (k, w) VALUES (?, ?)")) {
                for (int k = 1; k <= 3; k++) {
                    insert.setInt(1, k);
                    insert.setString(2, "w" + k);
                    assertEquals(1, insert.executeUpdate());
                }
            }
            // A string parameter is typed by its context like a quoted literal: '2' compared with an INT.
            try (PreparedStatement select = c.prepareStatement("SELECT v + ?, w FROM d WHERE k = ?")) {
                select.setLong(1, 1);
                select.setString(2, "2");
                try (ResultSet rs = select.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(8, rs.getLong(1));
                    assertEquals("w2", rs.getString(2));
                    assertFalse(rs.next());
                }
            }
            try (PreparedStatement asOf = c.prepareStatement("SELECT count(*) FROM d AS OF SYSTEM TIME ? WHERE k > ?")) {
                asOf.setString(1, "-0s");
                asOf.setInt(2, 1);
                try (ResultSet rs = asOf.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getLong(1));
                }
            }
            try (PreparedStatement bad = c.prepareStatement("SELEC ? FROM d")) {
                bad.setInt(1, 1);
                SQLException e = assertThrows(SQLException.class, bad::executeQuery);
                assertEquals("42601", e.getSQLState());
            }
        }
    }

    /**
     * Seeded: random strings (quotes, question marks, comment starts, unicode), bytes, longs,
     * decimals and doubles go in as parameters and come back equal: substitution never changes a
     * statement's shape or a value. Prints the seed on failure.
     */
    @Test
    void randomParametersRoundTripExactly() throws SQLException {
        long seed = Long.getLong("sql.seed", 20261126L);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        String alphabet = "ab'\"?-/*;\\ \n\té€😀X";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE r (k INT PRIMARY KEY, s STRING, b BYTES, d DECIMAL, f FLOAT)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO r VALUES (?, ? /* ? */, ?, ?, ?) -- ?");
                 PreparedStatement select = c.prepareStatement("SELECT s, b, d, f FROM r WHERE k = ?")) {
                for (int i = 0; i < 200; i++) {
                    StringBuilder text = new StringBuilder();
                    for (int j = random.nextInt(12); j > 0; j--) {
                        text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                                random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                    }
                    byte[] bytes = new byte[random.nextInt(8)];
                    random.nextBytes(bytes);
                    long key = random.nextInt(4) == 0 ? -random.nextLong(Long.MAX_VALUE) : random.nextLong(Long.MAX_VALUE);
                    BigDecimal decimal = BigDecimal.valueOf(random.nextLong(-1_000_000_000L, 1_000_000_000L), random.nextInt(6));
                    double dbl = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-5, 15));
                    String context = "seed " + seed + " row " + i + " (rerun with -Dsql.seed=" + seed + ")";
                    insert.setLong(1, key);
                    insert.setString(2, text.toString());
                    insert.setBytes(3, bytes);
                    insert.setBigDecimal(4, decimal);
                    insert.setDouble(5, dbl);
                    assertEquals(1, insert.executeUpdate(), context);
                    select.setLong(1, key);
                    try (ResultSet rs = select.executeQuery()) {
                        assertTrue(rs.next(), context);
                        assertEquals(text.toString(), rs.getString(1), context);
                        assertArrayEquals(bytes, rs.getBytes(2), context);
                        assertEquals(0, decimal.compareTo(rs.getBigDecimal(3)), context);
                        assertEquals(dbl, rs.getDouble(4), context);
                        assertFalse(rs.next(), context);
                    }
                }
            }
        }
    }

    @Test
    void transactionsErrorsAndMetadata() throws SQLException {
        try (Connection c = DriverManager.getConnection(url + "?application_name=test"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT)");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO kv VALUES (1, 1)");
            c.rollback();
            s.executeUpdate("INSERT INTO kv VALUES (2, 2)");
            c.commit();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("SELECT k FROM kv")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getLong(1));
                assertFalse(rs.next());
            }
            SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());
            SQLException missing = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM nope"));
            assertEquals("42P01", missing.getSQLState());
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet tables = md.getTables(null, null, "%", null)) {
                assertTrue(tables.next());
                assertEquals("kv", tables.getString("TABLE_NAME"));
            }
            try (ResultSet cols = md.getColumns(null, null, "kv", null)) {
                assertTrue(cols.next());
                assertEquals("k", cols.getString("COLUMN_NAME"));
                assertEquals(java.sql.Types.BIGINT, cols.getInt("DATA_TYPE"));
                assertTrue(cols.next());
                assertEquals("v", cols.getString("COLUMN_NAME"));
            }
        }
    }

    @Test
    void nodeFramesOnTheSamePortAreUntouched() throws Exception {
        try (RpcClient rpc = RpcClient.connect(transport.listenAddress(), TransportConfig.defaults(), FrameClock.none())) {
            Frame reply = rpc.call(Frame.newBuilder().setAdminRequest(io.conclave.range.rpc.AdminRequest.newBuilder()
                            .setStatus(io.conclave.range.rpc.StatusRequest.getDefaultInstance())).build(),
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertEquals("pong", reply.getError().getMessage());
        }
        try (Connection c = DriverManager.getConnection(url)) {
            assertTrue(c.isValid(1));
        }
    }

    @Test
    void connectionLimitBadVersionAndOversizedFramesAreRefusedWithAState() throws Exception {
        transport.close();
        server.close();
        start(new SqlServerSettings(1, 2, 4, 64 * 1024));
        try (Connection first = DriverManager.getConnection(url)) {
            SQLException full = assertThrows(SQLException.class, () -> DriverManager.getConnection(url));
            assertEquals("08001", full.getSQLState()); // a full node is skipped, and it was the only one
            assertTrue(full.getMessage().contains("too many SQL connections"), full.getMessage());
            try (Statement s = first.createStatement()) {
                SQLException big = assertThrows(SQLException.class, () -> s.execute("SELECT '" + "x".repeat(70_000) + "'"));
                assertEquals("54000", big.getSQLState());
                // ... and closed the connection: the next statement finds it gone.
                assertEquals("08006", assertThrows(SQLException.class, () -> s.execute("SELECT 1")).getSQLState());
            }
        }
        try (Socket socket = new Socket("127.0.0.1", transport.listenAddress().getPort())) {
            socket.getOutputStream().write(new byte[] {'C', 'S', 'Q', 'L', 99});
            socket.setSoTimeout(5000);
            ServerMessage m = ServerMessage.parseFrom(SqlProtocol.readFrame(new DataInputStream(socket.getInputStream()), 1 << 20));
            assertEquals("08P01", m.getError().getSqlstate());
        }
    }

    /**
     * A client that sends statements ahead of their answers pauses the connection's reading; each
     * is still answered, in order, and once it has caught up reading resumes for the next turn.
     */
    @Test
    void statementsSentAheadAreAnsweredInOrderAndReadingResumes() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", transport.listenAddress().getPort())) {
            socket.setSoTimeout(5000);
            java.io.OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream ahead = new ByteArrayOutputStream();
            ahead.write(SqlProtocol.preamble());
            SqlProtocol.writeFrame(ahead, io.conclave.driver.proto.ClientMessage.newBuilder()
                    .setStartSession(io.conclave.driver.proto.StartSession.getDefaultInstance()).build(), 1 << 20);
            int aheadStatements = 5;
            for (int i = 0; i < aheadStatements; i++) {
                SqlProtocol.writeFrame(ahead, execute("SELECT " + i), 1 << 20);
            }
            out.write(ahead.toByteArray()); // one write: the server reads them while the first runs
            out.flush();
            assertTrue(ServerMessage.parseFrom(SqlProtocol.readFrame(in, 1 << 20)).hasSessionStarted());
            for (int i = 0; i < aheadStatements; i++) {
                assertEquals(Long.toString(i), firstCell(ServerMessage.parseFrom(SqlProtocol.readFrame(in, 1 << 20))));
            }
            for (int i = 0; i < 3; i++) { // in turn now: each answer must come without anything sent ahead
                SqlProtocol.writeFrame(out, execute("SELECT " + (100 + i)), 1 << 20);
                assertEquals(Long.toString(100 + i), firstCell(ServerMessage.parseFrom(SqlProtocol.readFrame(in, 1 << 20))));
            }
        }
    }

    private static io.conclave.driver.proto.ClientMessage execute(String sql) {
        return io.conclave.driver.proto.ClientMessage.newBuilder()
                .setExecute(io.conclave.driver.proto.Execute.newBuilder().setSql(sql)).build();
    }

    private static String firstCell(ServerMessage m) {
        assertTrue(m.hasResult(), m.toString());
        return Long.toString(m.getResult().getRows(0).getValues(0).getIntValue());
    }

    @Test
    void aConnectionIdleBetweenStatementsIsClosedWith57P05() throws Exception {
        transport.close();
        server.close();
        start(SqlServerSettings.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            long lastReply = System.nanoTime();
            // Until the node has ended the session (300 ms) and the driver's idle check applies (1 s).
            awaitIdle(lastReply, () -> server.openConnections() == 0);
            // The driver reads the 57P05 that arrived while it was idle before it sends anything.
            SQLException gone = assertThrows(SQLException.class, () -> s.execute("SELECT 1"));
            assertEquals("57P05", gone.getSQLState(), gone.toString());
            assertTrue(gone.getMessage().endsWith("(the statement was not sent)"), gone.getMessage());
        }
    }

    @Test
    void connectSkipsADeadHostAndALostNodeFailsOverForTheNextStatement() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        int first = transport.listenAddress().getPort();
        try (OtherNode second = OtherNode.start(8);
             Connection c = DriverManager.getConnection("jdbc:conclave://127.0.0.1:" + dead + ",127.0.0.1:" + first
                     + "," + second.hostPort()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a (k INT PRIMARY KEY)");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO a VALUES (1)");
            transport.close(); // node 7 is lost with the transaction open
            assertEquals("08006", assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO a VALUES (2)"))
                    .getSQLState());
            // The next transaction runs on node 8 (its own store here: the table is new there).
            s.execute("CREATE TABLE b (k INT PRIMARY KEY)");
            s.executeUpdate("INSERT INTO b VALUES (3)");
            c.commit();
            try (ResultSet rs = s.executeQuery("SELECT k FROM b")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getLong(1));
            }
        }
    }

    @Test
    void anIdleSessionWhoseNodeDiedRunsItsNextStatementElsewhereUnlessATransactionWasOpen() throws Exception {
        try (OtherNode second = OtherNode.start(8);
             Connection idle = DriverManager.getConnection(url + "," + second.hostPort());
             Statement i = idle.createStatement();
             Connection inTxn = DriverManager.getConnection(url + "," + second.hostPort());
             Statement t = inTxn.createStatement()) {
            i.execute("CREATE TABLE a (k INT PRIMARY KEY)");
            inTxn.setAutoCommit(false);
            t.executeUpdate("INSERT INTO a VALUES (1)");
            long lastReply = System.nanoTime();
            transport.close(); // node 7 goes away between statements; its sockets close
            // Past the idle check's threshold, so the next statements look before they send.
            awaitIdle(lastReply, () -> server.openConnections() == 0);
            // The statement never reached node 7: it runs on node 8, where the table is new.
            assertEquals(0, i.executeUpdate("CREATE TABLE a (k INT PRIMARY KEY)"));
            // The transaction died with node 7: that is the application's to see.
            SQLException lost = assertThrows(SQLException.class, () -> t.executeUpdate("INSERT INTO a VALUES (2)"));
            assertEquals("08006", lost.getSQLState());
            assertTrue(lost.getMessage().contains("the statement was not sent"), lost.getMessage());
        }
    }

    @Test
    void shellScriptPrintsTablesAndStopsAtTheFirstError() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        SqlShell shell = new SqlShell(List.of(new io.conclave.driver.ConclaveUrl.HostPort("127.0.0.1",
                transport.listenAddress().getPort())), Map.of(), out, () -> 0L);
        shell.connect();
        boolean ok = shell.run(new BufferedReader(new StringReader(
                "CREATE TABLE t (k INT PRIMARY KEY,\n v STRING);\nINSERT INTO t VALUES (1, 'a;b'), (22, NULL);"
                + " SELECT * FROM t;\n-- a comment;\nSELECT nope FROM t;\nSELECT 1;\n")), false);
        shell.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(ok);
        assertTrue(text.contains("CREATE TABLE\n"), text);
        assertTrue(text.contains("INSERT 0 2\n"), text);
        assertTrue(text.contains(" k | v\n---+-----\n 1 | a;b\n22 | NULL\n(2 rows)\n"), text);
        assertTrue(text.contains("ERROR: ") && text.contains("(SQLSTATE 42703)"), text);
        assertFalse(text.contains("?column?"), "the script stops at the first error: " + text);
    }

    @Test
    void aFencedNodesRefusedStatementsRunElsewhereAndADrainingNodeRefusesNewSessions() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean fenced = new java.util.concurrent.atomic.AtomicBoolean();
        SqlEngine engine = new SqlEngine(new MemoryKv() {
            @Override
            public synchronized io.conclave.sql.kv.SqlTxn begin() {
                // What the node's fence answers while it is closed (a liveness record expired).
                if (fenced.get()) throw new io.conclave.sql.kv.KvException("57P03", "node 10 fenced itself", null);
                return super.begin();
            }
        }, null);
        OtherNode fencedNode = OtherNode.start(10, engine);
        String fencedUrl = "jdbc:conclave://" + fencedNode.hostPort();
        String otherHost = ",127.0.0.1:" + transport.listenAddress().getPort();
        try (fencedNode; Connection before = DriverManager.getConnection(fencedUrl + otherHost); Statement s = before.createStatement();
             Connection alone = DriverManager.getConnection(fencedUrl); Statement a = alone.createStatement()) {
            fenced.set(true);
            // A connection that lists no other node gets the refusal: the statement did not run.
            assertEquals("57P03", assertThrows(SQLException.class,
                    () -> a.executeUpdate("CREATE TABLE d (k INT PRIMARY KEY)")).getSQLState());
            // With another node listed, the refused statement runs there, and the application sees
            // no error: the fenced node's engine begins no transaction, so only the other one can
            // have created the table.
            assertEquals(0, s.executeUpdate("CREATE TABLE d (k INT PRIMARY KEY)"));
            try (Connection c = DriverManager.getConnection("jdbc:conclave://127.0.0.1:" + transport.listenAddress().getPort());
                 Statement other = c.createStatement(); ResultSet rs = other.executeQuery("SELECT k FROM d")) {
                assertFalse(rs.next(), "the table exists, empty, on the node that is not fenced");
            }

            fencedNode.server().drain();
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(fencedUrl));
            assertEquals("08001", refused.getSQLState());
            assertTrue(refused.getMessage().contains("node 10 is shutting down; connect to another node"),
                    refused.getMessage());
            try (Connection c = DriverManager.getConnection(fencedUrl + otherHost);
                 Statement other = c.createStatement(); ResultSet rs = other.executeQuery("SELECT k FROM d")) {
                assertFalse(rs.next(), "the client connected to the node that is not draining");
            }
        }
    }

    @Test
    void aDrainEndsIdleSessionsAtOnceAndASessionInATransactionWhenItEnds() throws Exception {
        SqlEngine engine = new SqlEngine(new MemoryKv(), null);
        OtherNode draining = OtherNode.start(10, engine);
        SqlServer drainingServer = draining.server();
        // The draining node is listed first, so both sessions start there.
        String urls = "jdbc:conclave://" + draining.hostPort() + ",127.0.0.1:" + transport.listenAddress().getPort();
        try (draining; Connection idle = DriverManager.getConnection(urls); Statement i = idle.createStatement();
             Connection inTxn = DriverManager.getConnection(urls); Statement t = inTxn.createStatement()) {
            i.executeUpdate("CREATE TABLE here (k INT PRIMARY KEY)");
            inTxn.setAutoCommit(false);
            t.executeUpdate("INSERT INTO here VALUES (1)");
            assertEquals(2, drainingServer.drain(), "both sessions were open when the drain began");
            assertEquals(1, drainingServer.awaitSessionsEnded(java.time.Duration.ofMillis(300)),
                    "the idle session ended, the one in a transaction did not");
            assertEquals(1, drainingServer.openConnections());
            // The transaction goes on where it began, and its session ends with it.
            t.executeUpdate("INSERT INTO here VALUES (2)");
            inTxn.commit();
            assertEquals(0, drainingServer.awaitSessionsEnded(java.time.Duration.ofSeconds(10)));
            // Both sessions' next statements run on the other node, which has no such table: the
            // ended sessions cost the application no error of their own.
            assertEquals("42P01", assertThrows(SQLException.class, () -> i.executeQuery("SELECT k FROM here")).getSQLState());
            assertEquals("42P01", assertThrows(SQLException.class, () -> t.executeQuery("SELECT k FROM here")).getSQLState());
            inTxn.rollback();
            assertEquals(0, drainingServer.openConnections());
        }
        io.conclave.sql.Session s = engine.openSession("root");
        assertEquals(2, s.execute("SELECT k FROM here").rows().size(), "the transaction committed on the draining node");
    }

    @Test
    void aStartingNodeIsSkippedOnConnectAndQueryTimeoutsReachTheSession() throws Exception {
        // A node that never finishes registering: a short engine wait keeps the test quick.
        SqlServer startingServer = new SqlServer(9, () -> null,
                SqlServerSettings.defaults().withEngineWait(java.time.Duration.ofMillis(50)));
        Transport starting = listen(9, startingServer);
        String startingUrl = "jdbc:conclave://127.0.0.1:" + starting.listenAddress().getPort();
        try {
            assertEquals("08001", assertThrows(SQLException.class, () -> DriverManager.getConnection(startingUrl)).getSQLState());
            try (Connection c = DriverManager.getConnection(startingUrl + ",127.0.0.1:" + transport.listenAddress().getPort());
                 Statement s = c.createStatement()) {
                s.setQueryTimeout(7);
                try (ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
                    assertTrue(rs.next());
                    assertEquals("7s", rs.getString(1));
                }
                s.setQueryTimeout(0);
                try (ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
                    assertTrue(rs.next());
                    assertEquals("0s", rs.getString(1));
                }
            }
        } finally {
            starting.close();
            startingServer.close();
        }
    }

    @Test
    void commitWaitIsMeteredPerStatement() throws Exception {
        transport.close();
        server.close();
        CommitWaitMeter meter = new CommitWaitMeter();
        io.conclave.sql.kv.SqlKv kv = new io.conclave.node.metrics.TxnMetrics().wrap(new MemoryKv() {
            @Override
            public io.conclave.sql.kv.SqlTxn begin() {
                io.conclave.sql.kv.SqlTxn inner = super.begin();
                return (io.conclave.sql.kv.SqlTxn) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {io.conclave.sql.kv.SqlTxn.class}, (proxy, method, args) -> {
                            Object r = method.invoke(inner, args);
                            if (method.getName().equals("commit")) {
                                io.conclave.sql.kv.CommitInfo c = (io.conclave.sql.kv.CommitInfo) r;
                                return new io.conclave.sql.kv.CommitInfo(c.commitTimestamp(), c.onePhase(), c.ranges(), 2_500_000L);
                            }
                            return r;
                        });
            }
        }, meter::add);
        SqlEngine engine = new SqlEngine(kv, null);
        server = new SqlServer(7, () -> engine, () -> meter, SqlServerSettings.defaults());
        transport = listen(7, server);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SqlShell shell = new SqlShell(List.of(new io.conclave.driver.ConclaveUrl.HostPort("127.0.0.1",
                transport.listenAddress().getPort())), Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> 0L);
        shell.connect();
        assertTrue(shell.execute("CREATE TABLE w (k INT PRIMARY KEY)"));
        shell.close();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(", of which commit-wait 2.500 ms)"),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSettingsAnApplicationSetFollowItsStatementsToAnotherNode() throws Exception {
        try (OtherNode second = OtherNode.start(8);
             Connection c = DriverManager.getConnection(url + "," + second.hostPort()); Statement st = c.createStatement();
             Statement timed = c.createStatement()) {
            st.execute("SET commit_wait = off");
            st.execute("SET application_name TO 'nightly ''etl'''");
            timed.setQueryTimeout(30); // the driver's own statement_timeout, set on each session it opens
            timed.executeQuery("SHOW commit_wait").close();
            st.execute("SET statement_timeout = '7s'");
            st.execute("RESET statement_timeout"); // no longer carried over
            long lastReply = System.nanoTime();
            transport.close(); // node 7 goes away between statements
            awaitIdle(lastReply, () -> server.openConnections() == 0);
            assertEquals("off", show(st, "commit_wait"));
            assertEquals("nightly 'etl'", show(st, "application_name"));
            assertEquals("0", show(st, "statement_timeout"));
            assertEquals("30s", show(timed, "statement_timeout"));
        }
    }

    private static String show(Statement st, String setting) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void theShellRunsAStatementElsewhereWhenItsNodeEndedTheSessionToStop() throws Exception {
        OtherNode draining = OtherNode.start(10);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SqlShell shell = new SqlShell(List.of(
                new io.conclave.driver.ConclaveUrl.HostPort("127.0.0.1", draining.transport().listenAddress().getPort()),
                new io.conclave.driver.ConclaveUrl.HostPort("127.0.0.1", transport.listenAddress().getPort())),
                Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> 0L);
        try {
            shell.connect();
            assertTrue(shell.execute("CREATE TABLE here (k INT PRIMARY KEY)"));
            assertTrue(shell.execute("SET commit_wait = off"));
            draining.server().drain();
            assertEquals(0, draining.server().awaitSessionsEnded(java.time.Duration.ofSeconds(10)));
            // The other node has no table "here": the statement ran there, after the refusal.
            assertFalse(shell.execute("SELECT k FROM here"));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("(node 10 did not run the statement: node 10 is shutting down and ended this"
                    + " session; connect to another node)\n(connected to 127.0.0.1:" + transport.listenAddress().getPort()
                    + ", node 7; set again: commit_wait = 'off')\nERROR: relation \"here\" does not exist"
                    + " (SQLSTATE 42P01)"), printed);
        } finally {
            shell.close();
            draining.close();
        }
    }

    @Test
    void shellPrintsMultiLineValuesOnSeveralLines() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SqlShell shell = new SqlShell(List.of(new io.conclave.driver.ConclaveUrl.HostPort("127.0.0.1",
                transport.listenAddress().getPort())), Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> 0L);
        shell.connect();
        assertTrue(shell.execute("SELECT 'a\nbc' AS t, 1 AS n"));
        shell.close();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("t  | n\n---+--\na  | 1\nbc |  \n(1 row)\n"),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sqlVerbExitStatuses() throws Exception {
        String host = "127.0.0.1:" + transport.listenAddress().getPort();
        java.io.PrintWriter err = new java.io.PrintWriter(new java.io.StringWriter());
        assertEquals(0, io.conclave.node.Main.run(err, "sql", "--host", host, "-e", "CREATE TABLE e (k INT PRIMARY KEY)",
                "-e", "INSERT INTO e VALUES (1); SELECT * FROM e"));
        assertEquals(1, io.conclave.node.Main.run(err, "sql", "--host", host, "-e", "SELECT * FROM missing"));
        int dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        assertEquals(1, io.conclave.node.Main.run(err, "sql", "--host", "127.0.0.1:" + dead, "-e", "SELECT 1"));
        assertEquals(2, io.conclave.node.Main.run(err, "sql", "--url", "postgres://x:1", "-e", "SELECT 1"));
    }

    /** {@code conclave sql} in a child JVM under a pseudo-terminal (script(1)): JLine reads the lines. */
    @Test
    void interactiveShellUnderAPseudoTerminal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/script")),
                "script(1) is needed for a pseudo-terminal");
        String java = io.conclave.node.launch.NodeProcessSpec.currentJava();
        String cmd = String.join(" ", java, "-Xmx128m", "-cp", io.conclave.node.launch.NodeProcessSpec.currentClassPath(),
                io.conclave.node.launch.NodeProcessSpec.NODE_MAIN, "sql", "--host",
                "127.0.0.1:" + transport.listenAddress().getPort());
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!output.toString().contains("Conclave SQL shell") && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            TimeUnit.MILLISECONDS.sleep(300); // let JLine finish probing the terminal
            var in = p.getOutputStream();
            in.write("select 40\n + 2 as answer where 1 != 2;\n\\q\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the shell did not exit: " + output);
            reader.join(5000);
            String text = output.toString().replace("\r", "");
            assertTrue(text.contains("answer\n------\n    42\n(1 row)\n"), text);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void splitKeepsUnfinishedTailAndIgnoresSemicolonsInQuotes() {
        List<String> complete = new java.util.ArrayList<>();
        String rest = SqlShell.split("select ';' ; select \"a;\"; -- x;\n select 2", complete);
        assertEquals(List.of("select ';'", "select \"a;\""), complete);
        assertEquals(" -- x;\n select 2", rest);
    }
}
