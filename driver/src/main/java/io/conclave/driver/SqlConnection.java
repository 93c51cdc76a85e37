package io.conclave.driver;

import io.conclave.driver.proto.ClientMessage;
import io.conclave.driver.proto.Execute;
import io.conclave.driver.proto.SqlValue;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.ServerMessage;
import io.conclave.driver.proto.StartSession;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One blocking protocol session with one node: connect, then one statement at a time. Not
 * thread-safe. Once an I/O error or a protocol error has happened the connection is broken
 * ({@link #isBroken()}) and every later call fails at once: the outcome of the statement in flight
 * is unknown, so nothing is retried here.
 */
public final class SqlConnection implements AutoCloseable {
    /** Connection settings; each limit validated here, with its unit in its name. */
    public record Settings(int connectTimeoutMillis, int socketTimeoutMillis, int maxFrameBytes) {
        /**
         * Defaults: 5 s to connect (a dead host must not hold up failover for long); 0 (no
         * limit) for reads, since a statement may legitimately run long and the server has its
         * own statement_timeout; the protocol's default frame limit.
         */
        public static final Settings DEFAULTS = new Settings(5_000, 0, SqlProtocol.DEFAULT_MAX_FRAME_BYTES);

        public Settings {
            if (connectTimeoutMillis <= 0) throw new IllegalArgumentException("connect timeout must be > 0 ms");
            if (socketTimeoutMillis < 0) throw new IllegalArgumentException("socket timeout must be >= 0 ms (0: none)");
            if (maxFrameBytes < 1024) throw new IllegalArgumentException("max frame bytes must be >= 1024");
        }
    }

    /** URL options the client uses itself; the rest are session settings sent to the node. */
    private static final Set<String> CLIENT_SIDE_OPTIONS = Set.of("user", "password", "sslmode", "sslrootcert",
            "sslcert", "sslkey", "load_balance_hosts");
    /**
     * Answers that say "not this node, not now" rather than "not this session": the node is
     * starting or stopping (57P03), full (53300), or ended an idle session because it is stopping
     * (57P01). None of them ran the statement they answer.
     */
    private static final Set<String> FAILOVER_STATES = Set.of("57P03", "53300", "57P01");
    /** A connection idle this long is checked for a closed socket before a statement is sent. */
    private static final long IDLE_CHECK_NANOS = 1_000_000_000L;
    private static final int IDLE_CHECK_READ_MILLIS = 1;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Settings settings;
    private final ConclaveUrl.HostPort address;
    private final long nodeId;
    private boolean broken;
    private boolean inTransaction;
    /** The connection broke before the last statement was sent: nothing of it reached a node. */
    private boolean unsent;
    /** When the last reply arrived (or the session started): a long-idle socket is checked first. */
    private long lastReplyNanos = System.nanoTime();
    /** Session settings that statements on this connection changed (SET; a RESET drops them), with their values. */
    private final Map<String, String> changedSettings = new LinkedHashMap<>();

    private SqlConnection(Socket socket, Settings settings, ConclaveUrl.HostPort address) throws IOException {
        this.socket = socket;
        this.settings = settings;
        this.address = address;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.nodeId = 0;
    }

    private SqlConnection(SqlConnection handshaking, long nodeId) {
        this.socket = handshaking.socket;
        this.settings = handshaking.settings;
        this.address = handshaking.address;
        this.in = handshaking.in;
        this.out = handshaking.out;
        this.nodeId = nodeId;
    }

    /**
     * Connects to the first of {@code hosts} that accepts and starts a session there with
     * {@code options} (commit_wait, application_name; user). Hosts that refuse, time out or fail
     * the handshake are skipped; if none works the error names each host's failure (08001), in
     * the order tried. A server-side refusal of the options themselves (a bad commit_wait) is not
     * failed over. With {@code load_balance_hosts=random} the hosts are tried in a random order,
     * so an application's connections spread over the nodes (libpq's option of that name).
     */
    public static SqlConnection connect(List<ConclaveUrl.HostPort> hosts, Map<String, String> options, Settings settings)
            throws SQLException {
        return connect(hosts, options, settings, null);
    }

    /**
     * As above, trying {@code last} (null: none) only after every other host: the node that just
     * refused a statement (a fenced one still accepts sessions) is the one least likely to run it.
     */
    public static SqlConnection connect(List<ConclaveUrl.HostPort> hosts, Map<String, String> options, Settings settings,
            ConclaveUrl.HostPort last) throws SQLException {
        return connectInPlaceOf(null, hosts, options, settings, last);
    }

    /**
     * As above, for a session in place of {@code lost} (null: none): the settings statements
     * changed on that one ({@link #changedSettings()}) are set on the new session before it is
     * used, so that a statement's commit_wait or statement_timeout does not silently change with
     * the node it runs on. A host that ends the session before they are set is skipped like one
     * that refused it.
     */
    public static SqlConnection connectInPlaceOf(SqlConnection lost, List<ConclaveUrl.HostPort> hosts,
            Map<String, String> options, Settings settings, ConclaveUrl.HostPort last) throws SQLException {
        Map<String, String> restore = lost == null ? Map.of() : lost.changedSettings();
        List<String> failures = new ArrayList<>();
        SSLContext tls;
        try {
            tls = ClientTls.fromOptions(options);
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw Errors.connectionFailed("cannot set up TLS: " + describe(e));
        }
        List<ConclaveUrl.HostPort> order = new ArrayList<>(hostOrder(hosts, options.get("load_balance_hosts")));
        if (last != null && order.remove(last)) order.add(last);
        for (ConclaveUrl.HostPort host : order) {
            SqlConnection c;
            try {
                c = connectOne(host, options, settings, tls);
            } catch (IOException e) {
                failures.add(host + ": " + describe(e));
                continue;
            } catch (SQLException e) {
                // A node that is starting (57P03) or full (53300) is skipped like a dead one; a
                // refusal of the options themselves would be the same everywhere, so it ends here.
                if (!FAILOVER_STATES.contains(e.getSQLState())) throw e;
                failures.add(host + ": " + e.getMessage());
                continue;
            }
            try {
                c.restoreSettings(restore);
                return c;
            } catch (SQLException e) {
                boolean hostFailed = c.isBroken();
                c.close();
                // As with the options: a setting refused by a working node is refused everywhere.
                if (!hostFailed) throw e;
                failures.add(host + ": " + e.getMessage());
            }
        }
        // A secure node closes a plaintext connection at its first bytes: say what that looks like.
        String hint = tls == null ? "; if the cluster is secure, connect with TLS (sslrootcert=.../ca.crt)" : "";
        throw Errors.connectionFailed("cannot reach any Conclave node (" + String.join("; ", failures) + ")" + hint);
    }

    private void restoreSettings(Map<String, String> restore) throws SQLException {
        for (Map.Entry<String, String> e : restore.entrySet()) {
            execute("SET " + e.getKey() + " = " + SqlLiterals.quote(e.getValue()));
        }
    }

    /** The order in which to try {@code hosts}; {@code mode} is load_balance_hosts (null: disable). */
    static List<ConclaveUrl.HostPort> hostOrder(List<ConclaveUrl.HostPort> hosts, String mode) {
        if (mode == null || mode.equals("disable")) return hosts;
        if (!mode.equals("random")) {
            throw new IllegalArgumentException("load_balance_hosts must be disable or random, was '" + mode + "'");
        }
        List<ConclaveUrl.HostPort> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return shuffled;
    }

    private static SqlConnection connectOne(ConclaveUrl.HostPort host, Map<String, String> options, Settings settings,
            SSLContext tls) throws IOException, SQLException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host.host(), host.port()), settings.connectTimeoutMillis());
            // The handshake answers quickly or not at all: bound it by the connect timeout.
            socket.setSoTimeout(settings.connectTimeoutMillis());
            if (tls != null) {
                SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, host.host(), host.port(), true);
                socket = secured;
                secured.startHandshake();
            }
            SqlConnection c = new SqlConnection(socket, settings, host);
            c.out.write(SqlProtocol.preamble());
            StartSession.Builder start = StartSession.newBuilder().setUser(options.getOrDefault("user", ""))
                    .setPassword(options.getOrDefault("password", ""));
            options.forEach((k, v) -> {
                if (!CLIENT_SIDE_OPTIONS.contains(k)) start.putOptions(k, v);
            });
            c.send(ClientMessage.newBuilder().setStartSession(start).build());
            ServerMessage reply = c.receive();
            if (reply.hasError()) {
                socket.close();
                throw Errors.fromServer(reply.getError().getSqlstate(), reply.getError().getMessage());
            }
            if (!reply.hasSessionStarted()) {
                throw new SqlProtocol.ProtocolException("expected SessionStarted, got " + reply.getBodyCase());
            }
            socket.setSoTimeout(settings.socketTimeoutMillis());
            return new SqlConnection(c, reply.getSessionStarted().getNodeId());
        } catch (IOException | RuntimeException | SQLException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /**
     * Runs one statement and returns its result. A SQL error is an {@link SQLException} with the
     * server's SQLSTATE and leaves the connection usable; a lost connection is 08006 and breaks it.
     */
    public Result execute(String sql) throws SQLException {
        return execute(sql, List.of());
    }

    /**
     * As above for a statement whose {@code ?} placeholders take {@code parameters} (see {@link
     * SqlLiterals#value}), sent apart from the text so that the server parses the text once.
     */
    public Result execute(String sql, List<SqlValue> parameters) throws SQLException {
        if (broken) throw Errors.connectionBroken("connection to " + address + " is broken");
        if (System.nanoTime() - lastReplyNanos >= IDLE_CHECK_NANOS) checkIdleConnection();
        try {
            send(ClientMessage.newBuilder().setExecute(Execute.newBuilder().setSql(sql).addAllParameters(parameters)).build());
            ServerMessage reply = receive();
            lastReplyNanos = System.nanoTime();
            return switch (reply.getBodyCase()) {
                case RESULT -> {
                    inTransaction = reply.getResult().getInTransaction();
                    changedSettings.putAll(reply.getResult().getSettingsMap());
                    reply.getResult().getSettingsResetList().forEach(changedSettings::remove);
                    yield reply.getResult();
                }
                case ERROR -> {
                    inTransaction = reply.getError().getInTransaction();
                    if (FAILOVER_STATES.contains(reply.getError().getSqlstate()) && !inTransaction) {
                        // The node refuses new transactions for now (shutting down, fenced, full)
                        // or ended this idle session: the statement did not run, and the next one
                        // should find another node.
                        broken = true;
                        closeQuietly();
                    }
                    throw Errors.fromServer(reply.getError().getSqlstate(), reply.getError().getMessage());
                }
                default -> throw new SqlProtocol.ProtocolException("unexpected reply " + reply.getBodyCase());
            };
        } catch (SocketTimeoutException e) {
            broken = true;
            closeQuietly();
            throw Errors.connectionBroken("no answer from " + address + " within " + settings.socketTimeoutMillis()
                    + " ms; the statement's outcome is unknown");
        } catch (IOException e) {
            broken = true;
            closeQuietly();
            throw Errors.connectionBroken("lost the connection to " + address + " (" + describe(e)
                    + "); the statement's outcome is unknown");
        }
    }

    private void send(ClientMessage message) throws IOException {
        SqlProtocol.writeFrame(out, message, settings.maxFrameBytes());
    }

    private ServerMessage receive() throws IOException {
        return ServerMessage.parseFrom(SqlProtocol.readFrame(in, settings.maxFrameBytes()));
    }

    /**
     * Whether {@code e} is a node's refusal of a statement outside a transaction, which ran none
     * of it: the node is shutting down (or ended this idle session because it is), fenced itself,
     * or has too many statements queued; or this connection was found closed before the
     * statement was sent. Such a
     * statement may run again on another node, and the refusal broke this session so that the next
     * one connects to another node.
     */
    public boolean refusedWithoutRunning(SQLException e) {
        return broken && !inTransaction && (unsent || FAILOVER_STATES.contains(e.getSQLState()));
    }

    /**
     * Before a statement on a connection idle for a while: throws, with the statement not sent,
     * if the node ended the session meanwhile. A read of at most {@link #IDLE_CHECK_READ_MILLIS}
     * tells: a timeout says the session is alive; end of stream or a reset says the node's
     * process stopped or failed and the kernel closed its socket; a message that arrived unasked
     * is the node ending the session (57P01 when it stops, 57P05 after its idle timeout), read
     * here so that the statement is not written into a socket the node has closed. Sent anyway,
     * the statement would fail with "outcome unknown" although no node ever saw it. Not done
     * over TLS, whose socket need not survive a read timeout.
     */
    private void checkIdleConnection() throws SQLException {
        if (socket instanceof javax.net.ssl.SSLSocket) return;
        ServerMessage unasked = null;
        try {
            if (!byteWaiting()) return;
            unasked = receive();
        } catch (IOException gone) {
            // Closed, reset, or a frame that does not parse: the session is over either way.
        }
        broken = true;
        unsent = true;
        closeQuietly();
        if (unasked != null && unasked.hasError()) {
            throw Errors.fromServer(unasked.getError().getSqlstate(), unasked.getError().getMessage()
                    + " (the statement was not sent)");
        }
        throw Errors.connectionBroken("the node at " + address + " closed the connection while it was idle (it"
                + " stopped or failed); the statement was not sent");
    }

    /**
     * Whether a byte arrived (it stays unread), within {@link #IDLE_CHECK_READ_MILLIS}; throws
     * at end of stream.
     */
    private boolean byteWaiting() throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(IDLE_CHECK_READ_MILLIS);
        try {
            in.mark(1);
            if (in.read() < 0) throw new EOFException("the node closed the connection");
            in.reset();
            return true;
        } catch (SocketTimeoutException nothing) {
            return false;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /**
     * The session settings that statements on this connection changed (SET, and the ones it
     * was opened with in place of another session), with their current values: what a session
     * opened in this one's place should set again.
     */
    public Map<String, String> changedSettings() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(changedSettings));
    }

    /**
     * Stops carrying {@code name} over to a session opened in this one's place: the caller sets
     * it itself on each session (the JDBC driver's query timeout).
     */
    public void forgetSetting(String name) {
        changedSettings.remove(name);
    }

    /** The node this session runs on (the coordinator of its transactions). */
    public long nodeId() {
        return nodeId;
    }

    public ConclaveUrl.HostPort address() {
        return address;
    }

    /** Whether the server reported an open explicit transaction after the last statement. */
    public boolean inTransaction() {
        return inTransaction;
    }

    public boolean isBroken() {
        return broken || socket.isClosed();
    }

    /** Sets the read timeout of later statements (0: none). */
    public void setSocketTimeoutMillis(int millis) throws SQLException {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw Errors.connectionBroken("cannot set the socket timeout: " + describe(e));
        }
    }

    @Override
    public void close() {
        broken = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
