package io.conclave.sql.exec;

/** Always-on invariant checks: a broken one is a bug, reported with its message. */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }
}
