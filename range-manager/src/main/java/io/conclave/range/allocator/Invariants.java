package io.conclave.range.allocator;

/** Always-on checks: a broken invariant or a bad argument is an exception with a message. */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalStateException("invariant violated: " + String.format(format, args));
    }

    static void require(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalArgumentException(String.format(format, args));
    }
}
