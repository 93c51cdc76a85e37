package io.conclave.range.mvcc;

/** Always-on invariant checks: a broken invariant is a crash with a message, never ignored. */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalStateException("invariant violated: " + String.format(format, args));
    }
}
