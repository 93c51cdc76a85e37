package io.conclave.clock;

import io.conclave.clock.proto.TimestampProto;

/**
 * A hybrid logical clock reading: nanoseconds since the Unix epoch, then a logical counter that
 * orders events carrying the same wall time.
 *
 * <p>Ordered by {@code wallNanos}, then {@code logical}. Both parts are non-negative, so
 * {@link #MIN} is the smallest timestamp and {@link #MAX} the largest.
 *
 * <p>The readable form is {@code <seconds>.<nine-digit nanos>,<logical>}, e.g.
 * {@code 1764160000.123456789,3}. Logs, the shell and {@code AS OF SYSTEM TIME} use it and
 * {@link #parse} reads it back exactly.
 */
public record Timestamp(long wallNanos, int logical) implements Comparable<Timestamp> {
    /** The zero timestamp; below every reading a real clock produces. */
    public static final Timestamp MIN = new Timestamp(0, 0);
    /** The largest representable timestamp, for open-ended spans and "read the latest". */
    public static final Timestamp MAX = new Timestamp(Long.MAX_VALUE, Integer.MAX_VALUE);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public Timestamp {
        Invariants.require(wallNanos >= 0, "timestamp wall time must be >= 0 nanos, got %d", wallNanos);
        Invariants.require(logical >= 0, "timestamp logical counter must be >= 0, got %d", logical);
    }

    /** A timestamp with the given wall time and logical counter 0. */
    public static Timestamp ofWallNanos(long wallNanos) {
        return new Timestamp(wallNanos, 0);
    }

    @Override
    public int compareTo(Timestamp other) {
        int byWall = Long.compare(wallNanos, other.wallNanos);
        return byWall != 0 ? byWall : Integer.compare(logical, other.logical);
    }

    public boolean isBefore(Timestamp other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(Timestamp other) {
        return compareTo(other) > 0;
    }

    public static Timestamp max(Timestamp a, Timestamp b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static Timestamp min(Timestamp a, Timestamp b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The smallest timestamp strictly greater than this one. */
    public Timestamp next() {
        if (logical < Integer.MAX_VALUE) {
            return new Timestamp(wallNanos, logical + 1);
        }
        Invariants.require(wallNanos < Long.MAX_VALUE, "Timestamp.MAX has no successor");
        return new Timestamp(wallNanos + 1, 0);
    }

    /** The largest timestamp strictly smaller than this one. */
    public Timestamp prev() {
        if (logical > 0) {
            return new Timestamp(wallNanos, logical - 1);
        }
        Invariants.require(wallNanos > 0, "Timestamp.MIN has no predecessor");
        return new Timestamp(wallNanos - 1, Integer.MAX_VALUE);
    }

    /**
     * This timestamp moved by {@code nanos} of wall time, keeping the logical counter (as an
     * uncertainty limit {@code readTs + maxOffset} must). Throws if the result leaves the range.
     */
    public Timestamp addNanos(long nanos) {
        long wall;
        try {
            wall = Math.addExact(wallNanos, nanos);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(
                    "timestamp " + this + " plus " + nanos + " ns overflows the timestamp range");
        }
        Invariants.require(wall >= 0, "timestamp %s plus %d ns is before the Unix epoch", this, nanos);
        return new Timestamp(wall, logical);
    }

    public TimestampProto toProto() {
        return TimestampProto.newBuilder().setWallNanos(wallNanos).setLogical(logical).build();
    }

    /** Decodes a wire timestamp; a negative field (a corrupt or hostile frame) is rejected. */
    public static Timestamp fromProto(TimestampProto proto) {
        return new Timestamp(proto.getWallNanos(), proto.getLogical());
    }

    /** The readable form, {@code 1764160000.123456789,3}; {@link #parse} inverts it. */
    @Override
    public String toString() {
        long seconds = wallNanos / NANOS_PER_SECOND;
        long nanos = wallNanos % NANOS_PER_SECOND;
        StringBuilder out = new StringBuilder(32).append(seconds).append('.');
        String fraction = Long.toString(nanos);
        out.append("000000000", 0, 9 - fraction.length()).append(fraction);
        return out.append(',').append(logical).toString();
    }

    /**
     * Reads the readable form back. Accepts {@code SECONDS[.FRACTION][,LOGICAL]} where FRACTION
     * has 1 to 9 digits (missing digits are zeros, so {@code 12.5} is 12.5 s) and LOGICAL
     * defaults to 0. Throws {@link IllegalArgumentException} naming the input and the problem.
     */
    public static Timestamp parse(String text) {
        if (text == null || text.isEmpty()) {
            throw badTimestamp(text, "it is empty");
        }
        String trimmed = text.strip();
        int comma = trimmed.indexOf(',');
        String wallPart = comma < 0 ? trimmed : trimmed.substring(0, comma);
        String logicalPart = comma < 0 ? "0" : trimmed.substring(comma + 1);
        int dot = wallPart.indexOf('.');
        String secondsPart = dot < 0 ? wallPart : wallPart.substring(0, dot);
        String fractionPart = dot < 0 ? "" : wallPart.substring(dot + 1);

        if (!isDigits(secondsPart)) {
            throw badTimestamp(text, "seconds '" + secondsPart + "' are not a non-negative integer");
        }
        if (dot >= 0 && (fractionPart.isEmpty() || fractionPart.length() > 9 || !isDigits(fractionPart))) {
            throw badTimestamp(text, "the fraction after '.' must be 1 to 9 digits, got '" + fractionPart + "'");
        }
        if (!isDigits(logicalPart)) {
            throw badTimestamp(text, "logical counter '" + logicalPart + "' is not a non-negative integer");
        }
        long wall;
        try {
            long seconds = Long.parseLong(secondsPart);
            long nanos = fractionPart.isEmpty() ? 0 : Long.parseLong((fractionPart + "00000000").substring(0, 9));
            wall = Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (ArithmeticException | NumberFormatException overflow) {
            throw badTimestamp(text, "the wall time does not fit in 64-bit nanoseconds");
        }
        int logical;
        try {
            logical = Integer.parseInt(logicalPart);
        } catch (NumberFormatException overflow) {
            throw badTimestamp(text, "logical counter exceeds " + Integer.MAX_VALUE);
        }
        return new Timestamp(wall, logical);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException badTimestamp(String text, String problem) {
        return new IllegalArgumentException("invalid timestamp '" + text + "': " + problem
                + " (expected SECONDS.NANOS,LOGICAL such as 1764160000.123456789,3)");
    }
}
