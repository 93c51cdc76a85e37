package io.conclave.tests.sim;

/**
 * The simulation's always-on invariant check. Java {@code assert} is off by default, so a broken
 * Raft guarantee would pass silently; this throws instead, and the runner adds the seed.
 */
final class SimCheck {
    private SimCheck() {}

    /** Thrown when the system under test broke a Raft guarantee (a bug in Raft, not in the harness). */
    static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message);
        }
    }

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new Violation(String.format(format, args));
    }
}
