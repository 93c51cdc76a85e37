package io.conclave.driver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM files of a Conclave certificates directory with the JDK alone: X.509
 * certificates, and unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY}) of EC or RSA.
 */
public final class Pem {
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    /** A certificates file larger than this is not one: refuse it before reading it whole. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private Pem() {
    }

    /** Every certificate in {@code file}, in order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        byte[] bytes = read(file);
        List<X509Certificate> out = new ArrayList<>();
        for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
            out.add((X509Certificate) cert);
        }
        if (out.isEmpty()) throw new CertificateException(file + " holds no certificate");
        return out;
    }

    /** The PKCS#8 private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        int begin = text.indexOf(KEY_BEGIN);
        int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(file + " holds a private key of an unsupported kind: " + last, last);
    }

    private static byte[] read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        return Files.readAllBytes(file);
    }
}
