package io.conclave.node.transport;

import io.conclave.clock.proto.TimestampProto;

/**
 * Stamps outgoing frames with the sender's clock and absorbs the clock of incoming ones.
 *
 * <p>Both methods are called on Netty I/O threads and on callers' threads at the same time, so
 * an implementation must be thread-safe and must not block.
 */
public interface FrameClock {
    /** The reading to put in an outgoing frame's {@code sent_at}. */
    TimestampProto now();

    /**
     * Absorbs the {@code sent_at} of a frame received from {@code fromNodeId} (0 for a client).
     * Throwing any {@link RuntimeException} rejects the frame: the transport logs the message,
     * counts {@link RejectReason#CLOCK_REJECTED} and closes that connection (for example when
     * the remote clock is further ahead than the maximum offset allows).
     */
    void observe(long fromNodeId, TimestampProto remote);

    /** A clock that stamps the zero timestamp and accepts everything; for tests and tools. */
    static FrameClock none() {
        return NoFrameClock.INSTANCE;
    }
}
