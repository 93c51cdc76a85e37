package io.conclave.node.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The file layout of a certificates directory, as {@code conclave cert} writes it and nodes and
 * clients read it.
 */
public record CertsDir(Path dir) {
    /** The common name of the certificate every node presents. */
    public static final String NODE_NAME = "node";
    /** The built-in administrator. */
    public static final String ROOT_USER = "root";
    /** User names that can appear in a file name and a certificate: lower case, digits, _ and -. */
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_\\-]{0,62}");

    public CertsDir {
        if (dir == null) throw new IllegalArgumentException("a certificates directory is required (--certs-dir)");
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca.key");
    }

    public Path nodeCert() {
        return dir.resolve("node.crt");
    }

    public Path nodeKey() {
        return dir.resolve("node.key");
    }

    public Path clientCert(String user) {
        return dir.resolve("client." + checkUser(user) + ".crt");
    }

    public Path clientKey(String user) {
        return dir.resolve("client." + checkUser(user) + ".key");
    }

    /** Throws a clear error unless {@code file} exists; names what writes it. */
    static Path require(Path file, String madeBy) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("missing " + file + " (create it with 'conclave cert " + madeBy + "')");
        }
        return file;
    }

    /** Validates a user name for certificates and files. */
    public static String checkUser(String user) {
        if (user == null || !USER_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("invalid user name '" + user
                    + "': use 1 to 63 lower-case letters, digits, '_' or '-', starting with a letter or '_'");
        }
        return user;
    }
}
