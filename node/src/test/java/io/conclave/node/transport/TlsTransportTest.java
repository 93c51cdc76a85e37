package io.conclave.node.transport;

import static io.conclave.node.transport.TestNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.driver.Pem;
import io.conclave.node.security.Certificates;
import io.conclave.node.security.CertsDir;
import io.conclave.node.security.NodeTls;
import io.conclave.node.rpc.Frame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between transports and from clients, with certificates made by the same code as
 * {@code conclave cert}: who is let in, who is refused and why, and the connection limits.
 */
class TlsTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    private static CertsDir cluster;
    private static CertsDir other;

    @BeforeAll
    static void makeCertificates() {
        cluster = new CertsDir(dir.resolve("cluster"));
        other = new CertsDir(dir.resolve("other"));
        for (CertsDir certs : List.of(cluster, other)) {
            Certificates make = new Certificates(certs, new SecureRandom(), Instant.now());
            make.createCa();
            make.createNode(List.of("127.0.0.1", "localhost"));
            make.createClient("root");
            make.createClient("alice");
        }
    }

    private static TestNode secureNode(long id, CertsDir certs) {
        return TestNode.start(id, 0, TestNode.config().withTls(NodeTls.forNode(certs)), TestNode.CLUSTER,
                TestNode.MAX_OFFSET_NANOS, FrameClock.none());
    }

    @Test
    void nodesOfOneCaTalkOverTls() throws Exception {
        try (TestNode one = secureNode(1, cluster); TestNode two = secureNode(2, cluster)) {
            one.transport.setPeerAddress(2, two.address());
            Frame answer = one.transport.call(2, TestNode.get("a"), WAIT).get(5, TimeUnit.SECONDS);
            assertEquals("a", answer.getKvResponse().getValue().toStringUtf8());
            assertEquals(1, two.transport.stats().connectionsEstablished());
            assertEquals(0, two.transport.stats().rejected(RejectReason.TLS_FAILED));
        }
    }

    @Test
    void aNodeRefusesAPeerWhoseCertificateAnotherCaSigned() throws Exception {
        try (TestNode rogue = secureNode(1, other); TestNode two = secureNode(2, cluster)) {
            rogue.transport.setPeerAddress(2, two.address());
            CompletableFuture<Frame> call = rogue.transport.call(2, TestNode.get("a"), Duration.ofSeconds(2));
            assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertTrue(eventually(WAIT, () -> two.transport.stats().rejected(RejectReason.TLS_FAILED) > 0),
                    "node 2 never counted the failed handshake");
            assertEquals(0, two.transport.stats().connectionsEstablished());
        }
    }

    @Test
    void aClientThatTrustsTheClusterButShowsAForeignCertificateIsRefusedByTheNode() throws Exception {
        // Trusts the real CA (so it accepts the node), presents a node certificate of another CA.
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .keyManager(Pem.readPrivateKey(other.nodeKey()), certs(other.nodeCert()))
                .trustManager(certs(cluster.caCert())).build();
        try (TestNode two = secureNode(2, cluster)) {
            assertRefused(two, TransportTls.of(null, client, Set.of("node")));
            assertTrue(eventually(WAIT, () -> two.transport.stats().rejected(RejectReason.TLS_FAILED) > 0));
        }
    }

    @Test
    void framesNeedACertificateNamingANodeOrRoot() throws Exception {
        SslContext noCertificate = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(certs(cluster.caCert())).build();
        SslContext alice = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .keyManager(Pem.readPrivateKey(cluster.clientKey("alice")), certs(cluster.clientCert("alice")))
                .trustManager(certs(cluster.caCert())).build();
        try (TestNode two = secureNode(2, cluster)) {
            assertRefused(two, TransportTls.of(null, noCertificate, Set.of("node")));
            assertRefused(two, TransportTls.of(null, alice, Set.of("node")));
            assertTrue(eventually(WAIT, () -> two.transport.stats().rejected(RejectReason.UNAUTHENTICATED) == 2));
            // root's certificate (what the command-line tools present) is let in.
            try (RpcClient root = RpcClient.connect(two.address(),
                    TestNode.config().withTls(NodeTls.forClient(cluster)), FrameClock.none())) {
                Frame answer = root.call(TestNode.get("r"), WAIT).get(5, TimeUnit.SECONDS);
                assertEquals("r", answer.getKvResponse().getValue().toStringUtf8());
            }
        }
    }

    @Test
    void aPlaintextClientOfASecureNodeIsRefused() throws Exception {
        try (TestNode two = secureNode(2, cluster)) {
            assertRefused(two, TransportTls.NONE);
            assertTrue(eventually(WAIT, () -> two.transport.stats().rejected(RejectReason.TLS_FAILED) > 0));
        }
    }

    @Test
    void aConnectionThatNeverFinishesItsHandshakeIsClosed() throws Exception {
        TransportConfig config = TestNode.config().withTls(NodeTls.forNode(cluster))
                .withHandshakeTimeout(Duration.ofMillis(300));
        try (TestNode two = TestNode.start(2, 0, config, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                Socket idle = new Socket()) {
            idle.connect(two.address(), 2_000);
            idle.setSoTimeout(5_000);
            long start = System.nanoTime();
            try (InputStream in = idle.getInputStream()) {
                assertEquals(-1, in.read(), "the node should close a connection that sends nothing");
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "closed by the handshake timeout");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        TransportConfig config = TestNode.config().withConnectionLimits(2, 100);
        try (TestNode two = TestNode.start(2, 0, config, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            a.connect(two.address(), 2_000);
            b.connect(two.address(), 2_000);
            assertTrue(eventually(WAIT, () -> two.transport.stats().connectionsAccepted() == 2));
            c.connect(two.address(), 2_000);
            c.setSoTimeout(5_000);
            assertEquals(-1, c.getInputStream().read());
            assertEquals(1, two.transport.stats().rejected(RejectReason.TOO_MANY_CONNECTIONS));
        }
    }

    @Test
    void aClientWithTooManyUnansweredRequestsIsCutOff() throws Exception {
        TransportConfig config = TestNode.config().withConnectionLimits(100, 5);
        try (TestNode two = TestNode.start(2, 0, config, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                RpcClient client = RpcClient.connect(two.address(), TestNode.config(), FrameClock.none())) {
            // Answered requests free their slot: many in a row pass.
            for (int i = 0; i < 20; i++) {
                client.call(TestNode.get("k" + i), WAIT).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 6; i++) {
                client.call(TestNode.get("silent" + i), WAIT);
            }
            assertTrue(eventually(WAIT, () -> two.transport.stats().rejected(RejectReason.TOO_MANY_IN_FLIGHT) == 1));
            assertTrue(eventually(WAIT, () -> !client.isOpen()));
        }
    }

    private static void assertRefused(TestNode node, TransportTls tls) throws Exception {
        InetSocketAddress address = node.address();
        try (RpcClient client = RpcClient.connect(address, TestNode.config().withTls(tls), FrameClock.none())) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> client.call(TestNode.get("x"), Duration.ofSeconds(3)).get(5, TimeUnit.SECONDS));
            TransportException cause = assertInstanceOf(TransportException.class, failure.getCause());
            assertTrue(cause.reason() == TransportException.Reason.CONNECTION_LOST
                    || cause.reason() == TransportException.Reason.CLOSED, cause.toString());
        }
    }

    private static X509Certificate[] certs(Path file) throws Exception {
        return Pem.readCertificates(file).toArray(X509Certificate[]::new);
    }
}
