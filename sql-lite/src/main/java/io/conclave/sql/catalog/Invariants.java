package io.conclave.sql.catalog;

/** Always-on invariant checks: a broken one is a bug, reported with its message. */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }
}
