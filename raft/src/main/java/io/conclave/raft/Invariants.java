package io.conclave.raft;

/**
 * Always-on invariant checks. Java {@code assert} is off by default in production, and a Raft
 * replica that continues past a broken invariant can acknowledge writes it will later lose, so a
 * violated invariant throws and takes the replica down with a message saying what broke.
 */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("raft invariant violated: " + String.format(format, args));
        }
    }
}
