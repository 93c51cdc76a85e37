package io.conclave.clock;

/**
 * One measurement of a remote node's physical clock against ours: the remote clock read about
 * {@code offsetNanos} more than ours (negative: it is behind), give or take
 * {@code errorBoundNanos}, as of local time {@code measuredAtNanos}.
 *
 * <p>From a ping sent at local {@code send}, answered with remote reading {@code remote}, and
 * received back at local {@code receive}: the remote read its clock somewhere inside the round
 * trip, so assuming the middle gives {@code offset = remote - (send + rtt/2)} with an error of at
 * most {@code rtt/2} (exact under the one assumption that the remote answered within the trip).
 */
public record OffsetMeasurement(long nodeId, long offsetNanos, long errorBoundNanos, long measuredAtNanos) {
    public OffsetMeasurement {
        Invariants.require(errorBoundNanos >= 0, "offset error bound must be >= 0, got %d", errorBoundNanos);
    }

    /** The measurement a ping/pong exchange yields; {@code receiveNanos >= sendNanos} is required. */
    public static OffsetMeasurement fromPingPong(long nodeId, long sendNanos, long remoteNanos, long receiveNanos) {
        long rttNanos = receiveNanos - sendNanos;
        Invariants.require(rttNanos >= 0, "round trip must be >= 0 ns: sent at %d, received at %d",
                sendNanos, receiveNanos);
        long halfRttNanos = rttNanos / 2;
        return new OffsetMeasurement(nodeId, remoteNanos - (sendNanos + halfRttNanos), rttNanos - halfRttNanos,
                receiveNanos);
    }

    /** The smallest offset consistent with the measurement: {@code |offset| - errorBound}, at least 0. */
    public long certainOffsetNanos() {
        long magnitude = offsetNanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(offsetNanos);
        return Math.max(0, magnitude - errorBoundNanos);
    }

    @Override
    public String toString() {
        return "node " + nodeId + " " + ClockDurations.formatApprox(offsetNanos)
                + " ±" + ClockDurations.formatApprox(errorBoundNanos).replace("+", "");
    }
}
