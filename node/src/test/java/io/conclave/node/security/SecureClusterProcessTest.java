package io.conclave.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.driver.Pem;
import io.conclave.node.Main;
import io.conclave.node.client.Clients;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import io.conclave.range.client.RangeClient;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.security.cert.X509Certificate;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secure cluster of three node processes with certificates made by {@code conclave cert}: the
 * nodes find each other over mutual TLS, SQL is served over TLS to clients that log in with a
 * certificate or a password, privileges are enforced (42501), and clients of another CA, without
 * TLS, or with a wrong password are refused. The --http port is HTTPS and wants an admin's
 * certificate or password for every page but /health.
 */
class SecureClusterProcessTest {
    private static final List<String> NODE_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");
    /** How long a statement may keep failing while the ranges elect their first leaders. */
    private static final long RETRY_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<String> httpAddrs = new ArrayList<>();

    @AfterEach
    void stop() {
        NodeProcess.stopAll(nodes, Duration.ofSeconds(3));
    }

    private static void cli(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(err, true), args), err.toString());
    }

    private List<String> startCluster(Path certs) throws Exception {
        int[] ports = NodeProcess.freePorts(6);
        List<String> addrs = new ArrayList<>();
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            addrs.add("127.0.0.1:" + ports[i]);
            httpAddrs.add("127.0.0.1:" + ports[3 + i]);
            peers.append(i == 0 ? "" : ",").append(i + 1).append('=').append(addrs.get(i));
        }
        List<String> jvm = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvm.addAll(NODE_JVM_FLAGS);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvm, i + 1, dir.resolve("n" + (i + 1)), addrs.get(i),
                    dir.resolve("n" + (i + 1) + ".log"), List.of("--peers", peers.toString(), "--certs-dir",
                            certs.toString(), "--fsync", "false", "--http", httpAddrs.get(i))));
            n.start();
            nodes.add(n);
        }
        for (NodeProcess n : nodes) n.awaitReady(Duration.ofSeconds(60));
        return addrs;
    }

    @Test
    @Timeout(150)
    void secureClusterServesSqlOverTlsWithCertificateAndPasswordLogins() throws Exception {
        Path certs = dir.resolve("certs");
        cli("cert", "create-ca", "--certs-dir", certs.toString());
        cli("cert", "create-node", "127.0.0.1", "localhost", "--certs-dir", certs.toString());
        cli("cert", "create-client", "root", "--certs-dir", certs.toString());
        cli("cert", "create-client", "alice", "--certs-dir", certs.toString());
        Path rogue = dir.resolve("rogue");
        cli("cert", "create-ca", "--certs-dir", rogue.toString());
        cli("cert", "create-client", "root", "--certs-dir", rogue.toString());
        cli("cert", "create-node", "127.0.0.1", "--certs-dir", rogue.toString());

        List<String> addrs = startCluster(certs);
        String base = "jdbc:conclave://" + String.join(",", addrs) + "?sslrootcert=" + certs.resolve("ca.crt");
        String asRoot = base + "&sslcert=" + certs.resolve("client.root.crt") + "&sslkey=" + certs.resolve("client.root.key");

        try (Connection root = DriverManager.getConnection(asRoot)) {
            retrying(root, "CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
            retrying(root, "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
            retrying(root, "CREATE USER bob WITH PASSWORD 'hunter2-but-longer'");
            retrying(root, "CREATE USER alice");
            retrying(root, "ALTER USER root WITH PASSWORD 'root-password-for-http'");
            assertEquals(3, rows(root, "SHOW USERS"));

            // bob logs in with his password, over TLS, and meets the privilege checks.
            try (Connection bob = DriverManager.getConnection(base + "&user=bob&password=hunter2-but-longer")) {
                assertState("42501", () -> rows(bob, "SELECT * FROM t"));
                retrying(root, "GRANT SELECT ON t TO bob");
                assertEquals(2, rows(bob, "SELECT * FROM t"));
                assertState("42501", () -> rows(bob, "INSERT INTO t VALUES (3, 'three')"));
                assertState("42501", () -> rows(bob, "ALTER TABLE t SPLIT AT VALUES (2)"));
            }
            // alice has no password: her certificate is her login.
            String asAlice = base + "&user=alice&sslcert=" + certs.resolve("client.alice.crt") + "&sslkey="
                    + certs.resolve("client.alice.key");
            try (Connection alice = DriverManager.getConnection(asAlice)) {
                assertState("42501", () -> rows(alice, "SELECT * FROM t"));
                retrying(root, "GRANT admin TO alice");
                retrying(alice, "ALTER TABLE t SPLIT AT VALUES (2)");
                assertEquals(2, rows(alice, "SELECT * FROM t"));
            }
        }

        // Refusals: a wrong password, no password, alice's certificate claiming bob, no TLS, another CA.
        assertState("28P01", () -> DriverManager.getConnection(base + "&user=bob&password=wrong").close());
        assertState("28000", () -> DriverManager.getConnection(base + "&user=bob").close());
        assertState("28000", () -> DriverManager.getConnection(base + "&user=bob&sslcert="
                + certs.resolve("client.alice.crt") + "&sslkey=" + certs.resolve("client.alice.key")).close());
        assertState("08001", () -> DriverManager.getConnection("jdbc:conclave://" + addrs.get(0) + "?user=root").close());
        assertState("08001", () -> DriverManager.getConnection("jdbc:conclave://" + addrs.get(0) + "?sslrootcert="
                + rogue.resolve("ca.crt") + "&sslcert=" + rogue.resolve("client.root.crt") + "&sslkey="
                + rogue.resolve("client.root.key")).close());

        httpPagesNeedAnAdminLogin(certs, rogue);

        // The KV port: root's certificate (what the tools use) works, a node certificate of another CA does not.
        try (RangeClient kv = Clients.connect(List.of(addrs.get(1)), NodeTls.forClient(new CertsDir(certs)))) {
            kv.put("secure-key".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        }
        StringWriter err = new StringWriter();
        assertEquals(1, Main.run(new PrintWriter(err, true), "kv", "get", "secure-key", "--host", addrs.get(2),
                "--certs-dir", rogue.toString()));
        assertEquals(0, Main.run(new PrintWriter(err, true), "kv", "get", "secure-key", "--host", addrs.get(2),
                "--certs-dir", certs.toString()), err.toString());
    }

    /**
     * The --http port of a secure node: HTTPS only; /health open; every other page for admins,
     * by client certificate or by password; and the console's fan-out, which dials the other
     * nodes with the node certificate, gets every node's page.
     */
    private void httpPagesNeedAnAdminLogin(Path certs, Path rogue) throws Exception {
        String node1 = httpAddrs.get(0);
        HttpClient anonymous = https(certs, null);
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://" + node1 + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));

        assertEquals(200, get(anonymous, node1, "/health", null).statusCode());
        HttpResponse<String> unauthenticated = get(anonymous, node1, "/metrics", null);
        assertEquals(401, unauthenticated.statusCode(), unauthenticated.body());
        assertTrue(unauthenticated.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"conclave\""),
                unauthenticated.headers().toString());
        assertEquals(401, get(anonymous, node1, "/status/nodes", null).statusCode());
        assertEquals(401, get(anonymous, node1, "/", null).statusCode());
        assertEquals(401, get(anonymous, node1, "/metrics", basic("root", "wrong")).statusCode());
        assertEquals(401, get(anonymous, node1, "/metrics", basic("nobody", "hunter2-but-longer")).statusCode());
        assertEquals(403, get(anonymous, node1, "/metrics", basic("bob", "hunter2-but-longer")).statusCode());
        assertEquals(200, get(anonymous, node1, "/health", basic("bob", "hunter2-but-longer")).statusCode());
        HttpResponse<String> metrics = get(anonymous, node1, "/metrics", basic("root", "root-password-for-http"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("# TYPE"), metrics.body());
        assertEquals(200, get(anonymous, httpAddrs.get(1), "/status/nodes", basic("root", "root-password-for-http"))
                .statusCode());

        HttpClient root = https(certs, "root");
        assertEquals(200, get(root, node1, "/metrics", null).statusCode());
        assertEquals(200, get(https(certs, "alice"), node1, "/status/ranges", null).statusCode()); // alice is an admin now
        HttpClient rogueRoot = https(rogue, "root"); // trusts our CA, presents another CA's root certificate
        assertThrows(IOException.class, () -> get(rogueRoot, node1, "/health", null));

        // The console's page asks the other two nodes over HTTPS with the node certificate.
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        String console;
        do {
            HttpResponse<String> r = get(root, node1, "/status/console", null);
            assertEquals(200, r.statusCode(), r.body());
            console = r.body();
        } while (console.contains("\"error\"") && System.nanoTime() < deadline && sleep200());
        String local = console.substring(console.indexOf("\"local\":"));
        assertEquals(3, local.split("\"page\":", -1).length - 1, console);
        assertTrue(!local.contains("\"error\""), console);
    }

    private static boolean sleep200() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(200);
        return true;
    }

    /** A client trusting {@code certs}' CA and presenting {@code client.USER.crt}, or no certificate when null. */
    private HttpClient https(Path certs, String user) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(Pem.readCertificates(dir.resolve("certs").resolve("ca.crt")).toArray(X509Certificate[]::new));
        if (user != null) {
            b.keyManager(Pem.readPrivateKey(certs.resolve("client." + user + ".key")),
                    Pem.readCertificates(certs.resolve("client." + user + ".crt")).toArray(X509Certificate[]::new));
        }
        return HttpClient.newBuilder().sslContext(((JdkSslContext) b.build()).context())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String address, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://" + address + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) r.header("Authorization", authorization);
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code sql} until it succeeds or the retry budget is spent (leaders are still being elected). */
    private static void retrying(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        while (true) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || e.getSQLState().startsWith("42")) throw e;
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static int rows(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            if (!s.execute(sql)) return s.getUpdateCount();
            try (ResultSet rs = s.getResultSet()) {
                int n = 0;
                while (rs.next()) n++;
                return n;
            }
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void assertState(String sqlState, Action action) {
        SQLException e = assertThrows(SQLException.class, action::run);
        assertEquals(sqlState, e.getSQLState(), e.getMessage());
    }
}
