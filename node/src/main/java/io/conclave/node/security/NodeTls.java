package io.conclave.node.security;

import io.conclave.driver.Pem;
import io.conclave.node.transport.TransportTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The transport TLS of a node and of the command-line clients, from a certificates directory.
 * The JDK's TLS provider throughout (no native library to match to the platform).
 */
public final class NodeTls {
    /** Certificate names that may exchange node frames with a node: other nodes, and root's tools. */
    public static final Set<String> FRAME_PEERS = Set.of(CertsDir.NODE_NAME, CertsDir.ROOT_USER);

    private NodeTls() {
    }

    /**
     * A node's TLS: it serves and dials with {@code node.crt}; accepted connections may present
     * a client certificate (required for frames, optional for SQL); every certificate must chain
     * to {@code ca.crt}.
     */
    public static TransportTls forNode(CertsDir dir) {
        X509Certificate[] ca = certificates(CertsDir.require(dir.caCert(), "create-ca"));
        X509Certificate[] chain = certificates(CertsDir.require(dir.nodeCert(), "create-node HOST..."));
        PrivateKey key = key(CertsDir.require(dir.nodeKey(), "create-node HOST..."));
        try {
            SslContext server = SslContextBuilder.forServer(key, chain).trustManager(ca)
                    .clientAuth(ClientAuth.OPTIONAL).sslProvider(SslProvider.JDK).build();
            SslContext client = SslContextBuilder.forClient().keyManager(key, chain).trustManager(ca)
                    .sslProvider(SslProvider.JDK).build();
            return TransportTls.of(server, client, FRAME_PEERS);
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build TLS from " + dir.dir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A command-line client's TLS (kv, admin, init, ranges, ...): it presents
     * {@code client.root.crt}, or failing that {@code node.crt}, and talks only to nodes.
     */
    public static TransportTls forClient(CertsDir dir) {
        X509Certificate[] ca = certificates(CertsDir.require(dir.caCert(), "create-ca"));
        Path cert = dir.clientCert(CertsDir.ROOT_USER);
        Path keyFile = dir.clientKey(CertsDir.ROOT_USER);
        if (!Files.isRegularFile(cert)) {
            cert = dir.nodeCert();
            keyFile = dir.nodeKey();
        }
        CertsDir.require(cert, "create-client root");
        try {
            SslContext client = SslContextBuilder.forClient().keyManager(key(keyFile), certificates(cert))
                    .trustManager(ca).sslProvider(SslProvider.JDK).build();
            return TransportTls.of(null, client, Set.of(CertsDir.NODE_NAME));
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build TLS from " + dir.dir() + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] certificates(Path file) {
        try {
            List<X509Certificate> certs = Pem.readCertificates(file);
            return certs.toArray(X509Certificate[]::new);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) {
        try {
            return Pem.readPrivateKey(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
    }
}
