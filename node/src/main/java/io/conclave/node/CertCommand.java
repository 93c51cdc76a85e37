package io.conclave.node;

import io.conclave.node.security.Certificates;
import io.conclave.node.security.CertsDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave cert create-ca | create-node HOST... | create-client USER --certs-dir DIR}. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = {"Creates the certificates of a secure cluster (PEM files in --certs-dir):",
            "  create-ca                 ca.crt and ca.key: the cluster's certificate authority",
            "  create-node HOST...       node.crt and node.key, signed by the CA, for these host names or addresses",
            "  create-client USER        client.USER.crt and client.USER.key, signed by the CA",
            "Copy ca.crt, node.crt and node.key to every node; keep ca.key somewhere safe."},
        subcommands = {CertCommand.CreateCa.class, CertCommand.CreateNode.class, CertCommand.CreateClient.class})
final class CertCommand {
    private CertCommand() {
    }

    abstract static class Base implements Callable<Integer> {
        @Option(names = "--certs-dir", required = true, paramLabel = "DIR", description = "Where the files go.")
        Path certsDir;

        Certificates certificates() {
            // The edge: real randomness for keys and serials, the real time for validity.
            return new Certificates(new CertsDir(certsDir), new SecureRandom(), Instant.now());
        }
    }

    @Command(name = "create-ca", mixinStandardHelpOptions = true, description = "Writes ca.crt and ca.key.")
    static final class CreateCa extends Base {
        @Override
        public Integer call() {
            certificates().createCa();
            System.out.println("wrote " + new CertsDir(certsDir).caCert() + " and ca.key");
            return 0;
        }
    }

    @Command(name = "create-node", mixinStandardHelpOptions = true,
            description = "Writes node.crt and node.key for the given host names and IP addresses.")
    static final class CreateNode extends Base {
        @Parameters(arity = "1..*", paramLabel = "HOST", description = "Names and addresses the node is reached at.")
        List<String> hosts;

        @Override
        public Integer call() {
            certificates().createNode(hosts);
            System.out.println("wrote " + new CertsDir(certsDir).nodeCert() + " and node.key for " + hosts);
            return 0;
        }
    }

    @Command(name = "create-client", mixinStandardHelpOptions = true,
            description = "Writes client.USER.crt and client.USER.key.")
    static final class CreateClient extends Base {
        @Parameters(index = "0", paramLabel = "USER", description = "The SQL user the certificate names (root: admin).")
        String user;

        @Override
        public Integer call() {
            certificates().createClient(user);
            System.out.println("wrote " + new CertsDir(certsDir).clientCert(user) + " and its key");
            return 0;
        }
    }
}
