package io.conclave.node.transport;

/**
 * Always-on checks. Java {@code assert} is off in production, which is exactly where a broken
 * transport invariant (a frame on the wrong connection, a call completed twice) must fail loudly.
 */
final class Invariants {
    private Invariants() {}

    /** Throws {@link IllegalStateException} when an internal invariant does not hold. */
    static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }

    /** Throws {@link IllegalArgumentException} when a caller passed a value outside its contract. */
    static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
