package io.conclave.txn;

import io.conclave.range.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Cluster settings: named values every node of a cluster reads, stored as ordinary
 * transactional keys so that a change is one committed transaction, visible to every
 * coordinator that reads after it.
 *
 * <p>Where: {@code 0x04 0x00 "cluster-setting/" name}, in the user keyspace (settings must be
 * multi-version to be read and written in transactions; meta and system keys are not) but below
 * every SQL table ({@code 0x10...}) and every key the benchmarks write ({@code 0x04 0x00} is
 * followed by {@code "bench-"} there), in the first user range. A key holds the setting's
 * normalized value in UTF-8; an absent key means the default.
 *
 * <p>Known settings:
 * <ul>
 *   <li>{@value #COMMIT_WAIT}: {@code on} (default) or {@code off}. Whether read-write commits
 *       wait out the max clock offset before they are acknowledged (strict serializability);
 *       a transaction's own override ({@link Txn#setCommitWait}, {@link TxnSettings.Builder#commitWait})
 *       wins. {@link TxnClient} reads it with a short cache: a change reaches every
 *       coordinator within {@link TxnClient#SETTINGS_REFRESH_NANOS} plus one read.</li>
 * </ul>
 *
 * <p>Errors: an unknown name or an invalid value is an {@link IllegalArgumentException} whose
 * message says which; {@link #isKnown} lets a caller tell the two apart first (SQL maps them
 * to 42704 and 22023).
 */
public final class ClusterSettings {
    public static final String COMMIT_WAIT = "commit_wait";

    /** Longest setting name; names are lower-case letters, digits, '_' and '.'. */
    static final int MAX_NAME_CHARS = 63;

    private static final byte[] PREFIX = concat(new byte[] {0x04, 0x00}, "cluster-setting/".getBytes(StandardCharsets.US_ASCII));

    private enum Kind { BOOLEAN }

    private record Definition(Kind kind, String defaultValue, String description) {}

    private static final Map<String, Definition> KNOWN = new TreeMap<>(Map.of(
            COMMIT_WAIT, new Definition(Kind.BOOLEAN, "on",
                    "acknowledge a read-write commit only once its timestamp is below every clock (strict serializability)")));

    private ClusterSettings() {}

    /** The names of every known setting, sorted. */
    public static List<String> names() {
        return List.copyOf(KNOWN.keySet());
    }

    public static boolean isKnown(String name) {
        return name != null && KNOWN.containsKey(name);
    }

    /** The value a setting has while nobody set it. */
    public static String defaultValue(String name) {
        return definition(name).defaultValue();
    }

    /** One sentence on what the setting does. */
    public static String description(String name) {
        return definition(name).description();
    }

    /**
     * The canonical form of {@code value} for setting {@code name}: booleans become {@code on}
     * or {@code off} (from on/off, true/false, yes/no, 1/0, any case).
     *
     * @throws IllegalArgumentException unknown setting or invalid value
     */
    public static String normalize(String name, String value) {
        Definition d = definition(name);
        if (value == null) throw new IllegalArgumentException("cluster setting " + name + " needs a value");
        return switch (d.kind()) {
            case BOOLEAN -> switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> "on";
                case "off", "false", "no", "0" -> "off";
                default -> throw new IllegalArgumentException("invalid value for cluster setting " + name + ": \""
                        + value + "\" (expected on or off)");
            };
        };
    }

    /** The key that stores setting {@code name} (validated: known and well-formed). */
    public static byte[] key(String name) {
        definition(name);
        return concat(PREFIX, name.getBytes(StandardCharsets.US_ASCII));
    }

    /** First key of the settings' span; with {@link #spanEnd()} it bounds every setting. */
    public static byte[] spanStart() {
        return PREFIX.clone();
    }

    public static byte[] spanEnd() {
        byte[] end = PREFIX.clone();
        end[end.length - 1]++;
        return end;
    }

    /** The stored form of a value (normalized first). */
    public static byte[] encode(String name, String value) {
        return normalize(name, value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The value a stored form holds. A stored value that is no longer valid (written by a
     * different version) reads as the default rather than failing every transaction.
     */
    public static String decode(String name, byte[] stored) {
        if (stored == null) return defaultValue(name);
        try {
            return normalize(name, new String(stored, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException invalid) {
            return defaultValue(name);
        }
    }

    /** The setting's value as {@code txn} reads it (the default when never set). */
    public static String get(Txn txn, String name) {
        Optional<byte[]> stored = txn.get(key(name));
        return decode(name, stored.orElse(null));
    }

    /** Writes the setting in {@code txn} (visible once it commits); returns the normalized value. */
    public static String set(Txn txn, String name, String value) {
        String normalized = normalize(name, value);
        txn.put(key(name), normalized.getBytes(StandardCharsets.UTF_8));
        return normalized;
    }

    /** Removes the setting in {@code txn}: it reads as its default once the transaction commits. */
    public static void reset(Txn txn, String name) {
        txn.delete(key(name));
    }

    /** Every known setting and its value as {@code txn} reads it, sorted by name. */
    public static Map<String, String> list(Txn txn) {
        Map<String, String> out = new TreeMap<>();
        for (String name : KNOWN.keySet()) out.put(name, get(txn, name));
        return out;
    }

    /** Whether a boolean setting's value is on. */
    static boolean isOn(String value) {
        return "on".equals(value);
    }

    private static Definition definition(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS || !name.matches("[a-z0-9_.]+")) {
            throw new IllegalArgumentException("invalid cluster setting name \"" + name + "\": lower-case letters,"
                    + " digits, '_' and '.', 1 to " + MAX_NAME_CHARS + " characters");
        }
        Definition d = KNOWN.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown cluster setting \"" + name + "\" (known: "
                    + String.join(", ", KNOWN.keySet()) + ")");
        }
        return d;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static {
        if (Keys.checkUserKey(concat(PREFIX, "x".repeat(MAX_NAME_CHARS).getBytes(StandardCharsets.US_ASCII))) != null) {
            throw new IllegalStateException("cluster setting keys must be valid user keys");
        }
    }
}
