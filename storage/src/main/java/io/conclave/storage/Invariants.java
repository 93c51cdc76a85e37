package io.conclave.storage;

/** Always-on checks: a broken invariant is a bug, and running on with it risks the data. */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalStateException(String.format(format, args));
    }
}
