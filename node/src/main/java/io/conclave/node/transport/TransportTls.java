package io.conclave.node.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Whether a transport's connections run over TLS, and whom they accept. {@link #NONE} is
 * plaintext ({@code --insecure}): every peer is trusted. Otherwise every accepted connection
 * starts with a TLS handshake in which a client certificate is optional (SQL clients may log in
 * with a password instead), every dialed connection presents this node's certificate, and a
 * connection that wants to exchange node frames (Raft, KV, admin, node requests) must have
 * presented a certificate, chained to the cluster CA, whose common name is one of
 * {@code framePeers}: no frame of an unauthenticated connection reaches the node. Which CA is
 * trusted is in the contexts; a peer of another CA fails the handshake itself.
 */
public final class TransportTls {
    /** The pipeline name of the TLS handler; the SQL sniffer goes right behind it. */
    public static final String HANDLER = "tls";
    static final String PEER_CHECK = "tls-peer";

    /** Plaintext: nothing is encrypted and every peer is trusted. */
    public static final TransportTls NONE = new TransportTls(null, null, Set.of());

    private final SslContext server;
    private final SslContext client;
    private final Set<String> framePeers;

    private TransportTls(SslContext server, SslContext client, Set<String> framePeers) {
        this.server = server;
        this.client = client;
        this.framePeers = Set.copyOf(framePeers);
    }

    /**
     * TLS with {@code server} for accepted connections (null: this side only dials, as a client
     * does), {@code client} for dialed ones, and the certificate names allowed to send frames.
     */
    public static TransportTls of(SslContext server, SslContext client, Set<String> framePeers) {
        Invariants.require(client != null, "a TLS client context is required");
        Invariants.require(server == null || server.isServer(), "the server context must be a server one");
        Invariants.require(!client.isServer(), "the client context must be a client one");
        Invariants.require(framePeers != null && !framePeers.isEmpty(), "at least one peer name must be allowed");
        return new TransportTls(server, client, framePeers);
    }

    public boolean enabled() {
        return client != null;
    }

    /**
     * The JDK context under the server side, for a server outside Netty (the HTTPS status
     * pages): the same key, certificate and trusted CA as the node's own port.
     */
    public SSLContext jdkServerContext() {
        Invariants.require(server instanceof JdkSslContext, "this transport has no JDK server TLS context");
        return ((JdkSslContext) server).context();
    }

    /** The JDK context under the client side: dials presenting this side's certificate, trusting the CA. */
    public SSLContext jdkClientContext() {
        Invariants.require(client instanceof JdkSslContext, "this transport has no JDK client TLS context");
        return ((JdkSslContext) client).context();
    }

    /** Puts TLS first in an accepted channel's pipeline, and the certificate check behind it. */
    void secureAccepted(Channel channel, Duration handshakeTimeout, Counters counters) {
        if (!enabled()) return;
        Invariants.require(server != null, "this transport has no server TLS context");
        SslHandler handler = server.newHandler(channel.alloc());
        handler.setHandshakeTimeout(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        channel.pipeline().addFirst(HANDLER, handler);
        channel.pipeline().addAfter(HANDLER, PEER_CHECK, new PeerCertificateCheck(this, counters));
    }

    /** Puts TLS first in a dialed channel's pipeline (to {@code host}), and the check behind it. */
    void secureDialed(Channel channel, String host, int port, Duration handshakeTimeout, Counters counters) {
        if (!enabled()) return;
        SslHandler handler = client.newHandler(channel.alloc(), host, port);
        handler.setHandshakeTimeout(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        channel.pipeline().addFirst(HANDLER, handler);
        channel.pipeline().addAfter(HANDLER, PEER_CHECK, new PeerCertificateCheck(this, counters));
    }

    /** Null if the channel's peer may exchange frames, else why not. */
    String frameRefusal(Channel channel) {
        Optional<String> name;
        try {
            name = peerCommonName(channel);
        } catch (SSLPeerUnverifiedException e) {
            return "no client certificate: node and KV connections must present one signed by the cluster CA";
        }
        if (name.isEmpty()) return "the connection is not TLS";
        if (!framePeers.contains(name.get())) {
            return "certificate of '" + name.get() + "' may not send node or KV requests (allowed: "
                    + new java.util.TreeSet<>(framePeers) + ")";
        }
        return null;
    }

    /**
     * The common name of the certificate the peer of {@code channel} presented, verified against
     * the CA by the handshake; empty on a plaintext channel; throws if the peer presented none.
     */
    public static Optional<String> peerCommonName(Channel channel) throws SSLPeerUnverifiedException {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) return Optional.empty();
        return Optional.of(commonName(ssl.engine().getSession().getPeerCertificates()));
    }

    /**
     * The common name of the leaf of a peer's certificate chain (as a TLS session reports it,
     * already verified against the CA); throws if there is none.
     */
    public static String commonName(Certificate[] chain) throws SSLPeerUnverifiedException {
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("no X.509 peer certificate");
        }
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
            }
        } catch (InvalidNameException e) {
            throw new SSLPeerUnverifiedException("unreadable certificate subject: " + e.getMessage());
        }
        throw new SSLPeerUnverifiedException("the peer certificate has no common name");
    }
}
