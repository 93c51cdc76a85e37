package io.conclave.node.transport;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread that several {@link RpcClient} connections share, for a client that talks to
 * many nodes at once (a node's range client: one connection per node).
 *
 * <p>Why share: with a thread per connection, answers from two nodes arriving together wake two
 * threads, and a request written while the thread sleeps wakes it; on a host with few cores each
 * such wake-up is a context switch costing microseconds of CPU. One thread that is already awake
 * for one connection's frames picks up the others' in the same turn. One thread suffices: it only
 * encodes, decodes and matches frames to calls; every call's waiter runs elsewhere.
 *
 * <p>Owned by whoever started it: closing a client leaves the loop running, and closing the loop
 * stops every connection still on it (their calls fail as the connections close).
 */
public final class ClientEventLoop implements AutoCloseable {
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 500;

    final MultiThreadIoEventLoopGroup group;

    private ClientEventLoop(String threadNamePrefix) {
        this.group = NettyIo.newGroup(1, threadNamePrefix);
    }

    /** Starts the loop's thread (a daemon named after {@code threadNamePrefix}). */
    public static ClientEventLoop start(String threadNamePrefix) {
        Invariants.require(threadNamePrefix != null && !threadNamePrefix.isEmpty(), "a thread name prefix must be set");
        return new ClientEventLoop(threadNamePrefix);
    }

    /** Stops the thread, closing the connections still on it; waits up to half a second unless called from the loop. */
    @Override
    public void close() {
        boolean onLoop = group.next().inEventLoop();
        var terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        if (!onLoop) terminated.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    }
}
