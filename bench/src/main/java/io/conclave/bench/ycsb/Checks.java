package io.conclave.bench.ycsb;

/** Always-on invariant checks: a broken invariant throws, whatever the JVM's {@code -ea} flag says. */
final class Checks {
    private Checks() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new IllegalStateException(String.format(java.util.Locale.ROOT, format, args));
    }
}
