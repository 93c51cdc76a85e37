package io.conclave.clock;

/**
 * Always-on invariant checks. Java {@code assert} is off by default in production, which is
 * exactly where a broken clock invariant must stop the process instead of corrupting data.
 */
final class Invariants {
    private Invariants() {}

    /** Throws {@link IllegalStateException} with the formatted message when {@code condition} is false. */
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

    /** {@code a + b}, clamped to the {@code long} range: time arithmetic near MAX must not wrap. */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow happened iff both operands have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
