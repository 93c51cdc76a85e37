package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes frames to one channel from any thread, flushing once per batch rather than per frame.
 *
 * <p>Writers on other threads append to a lock-free hand-off queue; the first append after a
 * drain schedules one drain task on the channel's event loop, which writes everything queued
 * (up to {@link #MAX_FRAMES_PER_DRAIN}, so I/O of other channels on the loop is not starved)
 * and flushes once. A burst of thousands of Raft frames thus costs a few tasks and a few
 * syscalls, not one of each per frame. Writes on the event loop itself (a handler answering at
 * once) go straight to the channel with one flush task per loop turn. Frames from one thread
 * keep their order.
 *
 * <p>Bounds: frames in the hand-off queue ({@code maxQueuedFramesPerPeer}) and bytes Netty
 * holds unwritten (the channel's write-buffer high water mark). Past either, writes are refused
 * and counted as {@link DropReason#BACKPRESSURE}.
 */
final class ChannelConnection implements Connection {
    /** Where a frame that was handed to a connection ended up. */
    enum WriteResult { ACCEPTED, CLOSED, TOO_LARGE, BACKPRESSURE }

    /** Frames one drain task writes before yielding the loop to other channels' I/O. */
    static final int MAX_FRAMES_PER_DRAIN = 4096;

    private final Channel channel;
    private final long localNodeId;
    private final FrameClock clock;
    private final int maxFrameBytes;
    private final int maxHandoffFrames;
    private final Counters counters;
    private final PendingCalls calls;
    /** Drains the scheduler thread asks to start at the end of its batch; null: always at once. */
    private final HeldDrains heldDrains;
    private final ConcurrentLinkedQueue<Peer.Outgoing> handoff = new ConcurrentLinkedQueue<>();
    private final AtomicInteger handoffFrames = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable flushTask = this::flushNow;
    private volatile long peerNodeId;
    /** A client connection's requests delivered and not yet answered (replies come from any thread). */
    private final AtomicInteger requestsInFlight = new AtomicInteger();
    // Touched only on the channel's event loop.
    private boolean flushPending;

    ChannelConnection(Channel channel, long localNodeId, FrameClock clock, TransportConfig config,
            Counters counters, PendingCalls calls) {
        this(channel, localNodeId, clock, config, counters, calls, null);
    }

    ChannelConnection(Channel channel, long localNodeId, FrameClock clock, TransportConfig config,
            Counters counters, PendingCalls calls, HeldDrains heldDrains) {
        this.channel = channel;
        this.calls = calls;
        this.heldDrains = heldDrains;
        this.localNodeId = localNodeId;
        this.clock = clock;
        this.maxFrameBytes = config.maxFrameBytes();
        this.maxHandoffFrames = config.maxQueuedFramesPerPeer();
        this.counters = counters;
    }

    @Override
    public long peerNodeId() {
        return peerNodeId;
    }

    void setPeerNodeId(long nodeId) {
        this.peerNodeId = nodeId;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    Channel channel() {
        return channel;
    }

    /** Counts one more unanswered client request; false (nothing counted) when {@code max} are in flight. */
    boolean admitRequest(int max) {
        while (true) {
            int n = requestsInFlight.get();
            if (n >= max) return false;
            if (requestsInFlight.compareAndSet(n, n + 1)) return true;
        }
    }

    @Override
    public boolean send(Frame frame) {
        if (Frames.hasResponseBody(frame)) {
            requestsInFlight.updateAndGet(n -> n > 0 ? n - 1 : 0);
        }
        WriteResult result = write(stamp(frame), null);
        if (result != WriteResult.ACCEPTED) {
            counters.drop(dropReason(result));
            return false;
        }
        return true;
    }

    /** Sets {@code from_node} and {@code sent_at}: every frame on the wire says who sent it when. */
    Frame stamp(Frame frame) {
        return frame.toBuilder().setFromNode(localNodeId).setSentAt(clock.now()).build();
    }

    /**
     * Hands a stamped frame to the channel without blocking. {@code call} is the call the frame
     * is the request of, or null; it learns the channel (so a close fails it) and fails if the
     * write does.
     */
    WriteResult write(Frame frame, PendingCalls.Call call) {
        if (!channel.isActive()) {
            return WriteResult.CLOSED;
        }
        if (frame.getSerializedSize() > maxFrameBytes) {
            return WriteResult.TOO_LARGE;
        }
        if (!channel.isWritable() || handoffFrames.get() >= maxHandoffFrames) {
            return WriteResult.BACKPRESSURE;
        }
        if (call != null) {
            call.channel = channel;
        }
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            writeNow(frame, call);
            scheduleFlush();
            return WriteResult.ACCEPTED;
        }
        handoffFrames.incrementAndGet();
        handoff.add(new Peer.Outgoing(frame, call));
        if (drainScheduled.compareAndSet(false, true)
                && (heldDrains == null || !heldDrains.defer(this)) && !startDrain()) {
            // The loop is closing this channel; a queued call is failed by the close.
            return WriteResult.CLOSED;
        }
        return WriteResult.ACCEPTED;
    }

    /** Starts the drain task a write scheduled; false if the loop is shutting down. */
    boolean startDrain() {
        try {
            channel.eventLoop().execute(drainTask);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }

    void close() {
        channel.close();
    }

    static DropReason dropReason(WriteResult result) {
        return switch (result) {
            case CLOSED -> DropReason.CLOSED;
            case TOO_LARGE -> DropReason.TOO_LARGE;
            case BACKPRESSURE -> DropReason.BACKPRESSURE;
            case ACCEPTED -> throw new IllegalArgumentException("an accepted write is no drop");
        };
    }

    private void writeNow(Frame frame, PendingCalls.Call call) {
        ChannelPromise promise;
        if (call == null) {
            // A failed one-way write reaches the pipeline's exceptionCaught, which closes quietly.
            promise = channel.voidPromise();
        } else {
            promise = channel.newPromise();
            promise.addListener(written -> {
                if (!written.isSuccess()) {
                    calls.fail(call, new TransportException(
                            TransportException.Reason.CONNECTION_LOST,
                            "request " + call.requestId + " could not be written to "
                                    + channel.remoteAddress(), written.cause()));
                }
            });
        }
        channel.write(frame, promise);
    }

    private void drain() {
        // Cleared before polling: an append racing with the end of this drain schedules another.
        drainScheduled.set(false);
        for (int i = 0; i < MAX_FRAMES_PER_DRAIN; i++) {
            Peer.Outgoing next = handoff.poll();
            if (next == null) {
                break;
            }
            handoffFrames.decrementAndGet();
            writeNow(next.frame(), next.call());
        }
        channel.flush();
        if (!handoff.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException shutDown) {
                // The loop is closing this channel; what is left would fail to write anyway.
            }
        }
    }

    private void scheduleFlush() {
        if (!flushPending) {
            flushPending = true;
            try {
                channel.eventLoop().execute(flushTask);
            } catch (RejectedExecutionException shutDown) {
                // The loop is closing its channels; nothing left to flush to.
                flushPending = false;
            }
        }
    }

    private void flushNow() {
        flushPending = false;
        channel.flush();
    }

    @Override
    public String toString() {
        long peer = peerNodeId;
        return (peer == 0 ? "client" : "node " + peer) + " at " + channel.remoteAddress();
    }
}
