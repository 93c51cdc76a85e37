package io.conclave.tests.check;

/**
 * The package's always-on precondition check. Java {@code assert} is off by default, and a
 * malformed history silently checked would prove nothing, so a broken precondition throws.
 */
final class Checks {
    private Checks() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalArgumentException(String.format(format, args));
    }
}
