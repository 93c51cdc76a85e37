package io.conclave.node;

import io.conclave.node.security.CertsDir;
import io.conclave.node.security.NodeTls;
import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --certs-dir} and {@code --insecure}, shared by {@code start} and every client verb. A
 * node must be given one of them; a client without {@code --certs-dir} speaks plaintext, which a
 * secure node refuses at the handshake.
 */
final class SecurityFlags {
    static final String INSECURE_WARNING = "WARNING: running insecure (--insecure): no TLS, no authentication; every"
            + " client is root. For local experiments only.";

    @Option(names = "--certs-dir", paramLabel = "DIR",
            description = "Certificates directory (ca.crt, node.crt/.key, client.USER.crt/.key; see 'conclave cert')."
                    + " A node given it runs secure: TLS on every connection, authenticated users.")
    Path certsDir;

    @Option(names = "--insecure",
            description = "No TLS and no authentication; every SQL client is root. For local experiments only.")
    boolean insecure;

    /** A node's TLS; refuses neither or both flags, naming them. */
    TransportTls forNode() {
        if (certsDir != null && insecure) {
            throw new IllegalArgumentException("--certs-dir and --insecure contradict each other: give one");
        }
        if (certsDir == null && !insecure) {
            throw new IllegalArgumentException("a node runs secure by default and needs --certs-dir DIR (certificates"
                    + " made with 'conclave cert'), or --insecure for a local experiment without TLS or authentication");
        }
        return insecure ? TransportTls.NONE : NodeTls.forNode(new CertsDir(certsDir));
    }

    /** A command-line client's TLS: plaintext unless --certs-dir is given. */
    TransportTls forClient() {
        if (certsDir != null && insecure) {
            throw new IllegalArgumentException("--certs-dir and --insecure contradict each other: give one");
        }
        return certsDir == null ? TransportTls.NONE : NodeTls.forClient(new CertsDir(certsDir));
    }

    TransportConfig clientTransport() {
        return TransportConfig.defaults().withTls(forClient());
    }
}
