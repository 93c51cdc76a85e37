package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls awaiting a response, by request id. Each call ends exactly once: with its response, at
 * its timeout, when the connection that carried it closes, or when the owner closes; whichever
 * removes it from the map first wins, the others find it gone.
 */
final class PendingCalls {
    /** One outstanding call. */
    static final class Call {
        final long requestId;
        final long peerNodeId;
        final CompletableFuture<Frame> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;
        /** The channel the request was written to; null while it waits in a peer queue. */
        volatile Channel channel;

        Call(long requestId, long peerNodeId) {
            this.requestId = requestId;
            this.peerNodeId = peerNodeId;
        }
    }

    private final ConcurrentHashMap<Long, Call> calls = new ConcurrentHashMap<>();
    // Starts at 1: request id 0 means one-way.
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Counters counters;

    PendingCalls(Counters counters) {
        this.counters = counters;
    }

    Call register(long peerNodeId, Duration timeout, EventExecutorGroup scheduler) {
        Invariants.require(timeout != null && !timeout.isNegative() && !timeout.isZero(),
                "call timeout must be positive, was %s", timeout);
        Call call = new Call(nextRequestId.getAndIncrement(), peerNodeId);
        Invariants.check(calls.putIfAbsent(call.requestId, call) == null,
                "request id %d issued twice", call.requestId);
        try {
            call.timeout = scheduler.schedule(() -> timeOut(call, timeout),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            fail(call, new TransportException(TransportException.Reason.CLOSED,
                    "transport is shutting down"));
        }
        return call;
    }

    /** Completes the call a response answers; false if none is waiting (it timed out, say). */
    boolean complete(Frame response, long fromNodeId, boolean checkPeer) {
        Call call = calls.get(response.getRequestId());
        if (call == null || (checkPeer && call.peerNodeId != fromNodeId)) {
            return false;
        }
        if (!calls.remove(call.requestId, call)) {
            return false;
        }
        cancelTimeout(call);
        call.future.complete(response);
        return true;
    }

    void fail(Call call, TransportException error) {
        if (calls.remove(call.requestId, call)) {
            cancelTimeout(call);
            if (error.reason() == TransportException.Reason.TIMEOUT) {
                counters.callsTimedOut.increment();
            } else {
                counters.callsFailed.increment();
            }
            call.future.completeExceptionally(error);
        }
    }

    /** Fails every call whose request went out on {@code channel}: its response cannot come now. */
    void failWrittenOn(Channel channel) {
        for (Call call : calls.values()) {
            if (call.channel == channel) {
                fail(call, new TransportException(TransportException.Reason.CONNECTION_LOST,
                        "connection to " + describePeer(call) + " at " + channel.remoteAddress()
                                + " closed before request " + call.requestId + " was answered"));
            }
        }
    }

    void failAll(TransportException.Reason reason, String message) {
        for (Call call : calls.values()) {
            fail(call, new TransportException(reason, message));
        }
    }

    int size() {
        return calls.size();
    }

    private void timeOut(Call call, Duration timeout) {
        fail(call, new TransportException(TransportException.Reason.TIMEOUT,
                "no response from " + describePeer(call) + " to request " + call.requestId
                        + " within " + timeout));
    }

    private static String describePeer(Call call) {
        return call.peerNodeId == 0 ? "the server" : "node " + call.peerNodeId;
    }

    private static void cancelTimeout(Call call) {
        ScheduledFuture<?> timeout = call.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
