package io.conclave.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Recent successful logins to the HTTP port and whether each was an admin. A password check is a
 * deliberately slow hash (about a quarter of a second) and a console polls every second, so a
 * login is remembered for {@link #TTL}, keyed by the user and a digest of the password (never the
 * password itself). Hazard: for up to {@link #TTL} after a password change, a DROP USER or a
 * REVOKE of admin, the old login still works on this node. At most {@link #MAX_ENTRIES} are kept;
 * the oldest goes first. Only successes are kept: every wrong password pays the full hash.
 */
final class LoginCache {
    /** How long a checked login is trusted; longer than a typical Prometheus scrape interval (15 s). */
    static final Duration TTL = Duration.ofSeconds(30);
    /** Logins remembered: far more than the operators and scrapers of one cluster. */
    static final int MAX_ENTRIES = 256;

    private record Entry(boolean admin, long expiresAtNanos) {}

    private final LongSupplier nanos;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** {@code nanos} is a monotonic clock (System::nanoTime, or a manual one in tests). */
    LoginCache(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Whether the login was an admin, if it succeeded within {@link #TTL}. */
    synchronized Optional<Boolean> get(String key) {
        Entry e = entries.get(key);
        if (e == null) return Optional.empty();
        if (nanos.getAsLong() - e.expiresAtNanos() >= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.admin());
    }

    synchronized void put(String key, boolean admin) {
        entries.remove(key); // re-inserted at the end: insertion order is age order
        entries.put(key, new Entry(admin, nanos.getAsLong() + TTL.toNanos()));
        while (entries.size() > MAX_ENTRIES) {
            entries.remove(entries.keySet().iterator().next());
        }
        if (entries.size() > MAX_ENTRIES) throw new IllegalStateException("login cache over its bound");
    }

    synchronized int size() {
        return entries.size();
    }

    /** The key of a password login: the user, and a SHA-256 of user and password. */
    static String passwordKey(String user, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(user.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(password.getBytes(StandardCharsets.UTF_8));
            return "password:" + user + ":" + Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The key of a certificate login (its admin flag is a read of the users table). */
    static String certificateKey(String commonName) {
        return "certificate:" + commonName;
    }
}
