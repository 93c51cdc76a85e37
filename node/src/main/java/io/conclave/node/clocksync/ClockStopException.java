package io.conclave.node.clocksync;

/**
 * The offset guard stopped the node: its clock is too far from the cluster's (or its
 * {@code --max-offset} differs from the majority's). The message is the one line to log; the
 * process exits with {@link #EXIT_CODE} so that a supervisor can tell it from a crash.
 */
public final class ClockStopException extends RuntimeException {
    public static final String CODE = "CLOCK_OFFSET_FATAL";
    /** Exit code of a node the guard stopped: not 1 (a crash) and not 2 (bad usage). */
    public static final int EXIT_CODE = 3;

    public ClockStopException(String message) {
        super(CODE + ": " + message);
    }
}
