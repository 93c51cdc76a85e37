package io.conclave.driver;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a client connection, from the URL options: {@code sslrootcert} (the cluster's
 * {@code ca.crt}; giving it turns TLS on), and optionally {@code sslcert} and {@code sslkey} (a
 * client certificate, which names the user and replaces the password). {@code sslmode=disable}
 * forces plaintext (for {@code --insecure} nodes); {@code sslmode=verify-ca} demands a root
 * certificate. The server's certificate must chain to the root; its host name is not checked
 * (the cluster CA is the root of trust, not DNS).
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** The context for {@code options}, or null when the connection is plaintext. */
    public static SSLContext fromOptions(Map<String, String> options) throws GeneralSecurityException, IOException {
        String mode = options.getOrDefault("sslmode", options.containsKey("sslrootcert") ? "verify-ca" : "disable");
        switch (mode) {
            case "disable":
                return null;
            case "verify-ca":
                break;
            default:
                throw new IllegalArgumentException("sslmode must be disable or verify-ca, was '" + mode + "'");
        }
        String root = options.get("sslrootcert");
        if (root == null || root.isEmpty()) {
            throw new IllegalArgumentException("sslmode=verify-ca needs sslrootcert (the cluster's ca.crt)");
        }
        String cert = options.get("sslcert");
        String key = options.get("sslkey");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("sslcert and sslkey go together (the client certificate and its key)");
        }
        return context(Path.of(root), cert == null ? null : Path.of(cert), key == null ? null : Path.of(key));
    }

    /** A TLS context trusting {@code caCert}, presenting {@code cert}/{@code key} if given. */
    public static SSLContext context(Path caCert, Path cert, Path key) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.readCertificates(caCert)) trust.setCertificateEntry("ca" + i++, ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            char[] none = new char[0];
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            PrivateKey privateKey = Pem.readPrivateKey(key);
            List<X509Certificate> chain = Pem.readCertificates(cert);
            keys.setKeyEntry("client", privateKey, none, chain.toArray(X509Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
