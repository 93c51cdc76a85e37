package io.conclave.sql.auth;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Salted, slow password hashes: {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64). */
public final class Passwords {
    /** Iterations of PBKDF2: slow enough to make guessing expensive, fast enough for a login. */
    public static final int ITERATIONS = 120_000;
    /** The longest password accepted; longer input is refused, not hashed. */
    public static final int MAX_PASSWORD_CHARS = 1024;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private Passwords() {
    }

    /** A new hash of {@code password}, salted with bytes from {@code random}. */
    public static String hash(String password, Consumer<byte[]> random) {
        check(password);
        byte[] salt = new byte[SALT_BYTES];
        random.accept(salt);
        return hash(password, salt, ITERATIONS);
    }

    static String hash(String password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** Whether {@code password} matches {@code stored}; false for a malformed or foreign hash. */
    public static boolean verify(String password, String stored) {
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_CHARS || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) return false;
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        if (iterations < 1 || iterations > 10 * ITERATIONS) return false;
        return MessageDigest.isEqual(expected, derive(password, salt, iterations));
    }

    private static void check(String password) {
        if (password == null || password.isEmpty()) {
            throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, "a password must not be empty (use PASSWORD NULL"
                    + " for none)");
        }
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "a password may be at most " + MAX_PASSWORD_CHARS
                    + " characters");
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
