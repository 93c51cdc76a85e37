package io.conclave.node.security;

import io.conclave.driver.Pem;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes the certificate authority, node and client certificates of a cluster (what
 * {@code conclave cert} does). The time and the random source are given, so a test can make
 * certificates that are not yet valid or already expired.
 */
public final class Certificates {
    /** How long a CA certificate is valid: long, because rotating it means re-issuing everything. */
    public static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
    /** How long node and client certificates are valid. */
    public static final Duration CERT_VALIDITY = Duration.ofDays(5 * 365);
    /** Certificates start to be valid this long before they were made, for clocks a little behind. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-:*]{1,253}");

    private final CertsDir dir;
    private final SecureRandom random;
    private final Instant now;

    public Certificates(CertsDir dir, SecureRandom random, Instant now) {
        if (dir == null || random == null || now == null) {
            throw new IllegalArgumentException("dir, random and now must be set");
        }
        this.dir = dir;
        this.random = random;
        this.now = now;
    }

    /** Writes {@code ca.crt} and {@code ca.key}; refuses to replace an existing CA key. */
    public void createCa() {
        refuseExisting(dir.caKey());
        KeyPair pair = newKeyPair();
        X500Name name = name("Conclave CA");
        try {
            JcaX509v3CertificateBuilder builder = builder(name, name, pair, CA_VALIDITY);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            write(sign(builder, pair.getPrivate()), pair.getPrivate(), dir.caCert(), dir.caKey());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the CA certificate: " + e, e);
        }
    }

    /**
     * Writes {@code node.crt} and {@code node.key}, signed by the CA, naming {@code hosts} (names
     * or IP addresses) as subject alternative names; the certificate serves and dials.
     */
    public void createNode(List<String> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("create-node needs at least one HOST (name or IP address of the node)");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            if (!HOST.matcher(host).matches()) throw new IllegalArgumentException("invalid host '" + host + "'");
            names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host));
        }
        issue(CertsDir.NODE_NAME, dir.nodeCert(), dir.nodeKey(), new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** Writes {@code client.USER.crt} and {@code client.USER.key}, signed by the CA. */
    public void createClient(String user) {
        CertsDir.checkUser(user);
        issue(user, dir.clientCert(user), dir.clientKey(user), null);
    }

    private void issue(String commonName, Path certFile, Path keyFile, GeneralNames altNames) {
        CertsDir.require(dir.caCert(), "create-ca");
        CertsDir.require(dir.caKey(), "create-ca");
        try {
            X509Certificate ca = Pem.readCertificates(dir.caCert()).get(0);
            PrivateKey caKey = Pem.readPrivateKey(dir.caKey());
            KeyPair pair = newKeyPair();
            JcaX509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    name(commonName), pair, CERT_VALIDITY);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            // Nodes both accept and dial; clients only dial. Both purposes keep one rule for all.
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            if (altNames != null) builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            write(sign(builder, caKey), pair.getPrivate(), certFile, keyFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the certificate for " + commonName + ": " + e, e);
        }
    }

    private JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
        BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(validity)), subject, pair.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
        }
    }

    private KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e, e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Conclave").addRDN(BCStyle.CN, commonName).build();
    }

    private static boolean isIpLiteral(String host) {
        if (host.contains(":")) return true;
        if (!host.matches("[0-9.]+")) return false;
        try {
            InetAddress.getByName(host); // a literal: no lookup happens
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void refuseExisting(Path file) {
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists already; a new CA would orphan every certificate it signed"
                    + " (remove it yourself if that is what you want)");
        }
    }

    private void write(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) throws IOException {
        Files.createDirectories(dir.dir());
        writeFile(keyFile, pem(key), true);
        writeFile(certFile, pem(cert), false);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // A private key goes out as PKCS#8 ("BEGIN PRIVATE KEY"), which the JDK reads directly.
            writer.writeObject(object instanceof PrivateKey key
                    ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()) : object);
        }
        return out.toString();
    }

    private static void writeFile(Path file, String text, boolean secret) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Not a POSIX file system: the directory's own protection is all there is.
                }
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
