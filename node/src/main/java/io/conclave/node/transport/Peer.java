package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * What this node knows about one other node: where it listens, the one connection to it, and the
 * frames waiting for that connection. All fields are guarded by the object's monitor; methods
 * that need it held end in {@code Locked}.
 */
final class Peer {
    /** A frame waiting for the peer's connection, and the call it is the request of (or null). */
    record Outgoing(Frame frame, PendingCalls.Call call) {}

    final long nodeId;

    // Guarded by this.
    InetSocketAddress address;
    /** The connection that finished the Hello exchange; all traffic to the peer uses it. */
    ChannelConnection established;
    /** A connection this node dialed that has not finished the Hello exchange yet. */
    Channel dialing;
    /** A redial is scheduled; no other dial may start until it runs. */
    boolean redialScheduled;
    /** Dials that failed since the last established connection; drives the backoff. */
    int consecutiveFailures;
    final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    long queuedBytes;

    Peer(long nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * Queues a frame, evicting the oldest while over either bound. Returns the evicted frames so
     * the caller can fail their calls outside the lock.
     */
    ArrayDeque<Outgoing> enqueueLocked(Outgoing outgoing, int maxFrames, long maxBytes) {
        ArrayDeque<Outgoing> evicted = new ArrayDeque<>(0);
        int size = outgoing.frame().getSerializedSize();
        while (!queue.isEmpty() && (queue.size() >= maxFrames || queuedBytes + size > maxBytes)) {
            Outgoing oldest = queue.pollFirst();
            queuedBytes -= oldest.frame().getSerializedSize();
            evicted.add(oldest);
        }
        queue.addLast(outgoing);
        queuedBytes += size;
        Invariants.check(queue.size() <= maxFrames, "peer %d queue holds %d frames, limit %d",
                nodeId, queue.size(), maxFrames);
        return evicted;
    }

    ArrayDeque<Outgoing> drainLocked() {
        ArrayDeque<Outgoing> all = new ArrayDeque<>(queue);
        queue.clear();
        queuedBytes = 0;
        return all;
    }
}
