package io.conclave.node.fault;

import io.conclave.range.client.NodeDialer;
import io.conclave.range.client.NotSentException;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * The node's own dialer under fault rules: a request to the address of an isolated peer fails as
 * not sent, as if the connection were refused, and never leaves the process.
 */
final class FaultyDialer implements NodeDialer {
    private final NodeDialer inner;
    private final FaultInjection faults;
    private final ToLongFunction<String> nodeAt;

    /** @param nodeAt the id of the node listening at a {@code host:port}, or 0 if unknown */
    FaultyDialer(NodeDialer inner, FaultInjection faults, ToLongFunction<String> nodeAt) {
        this.inner = inner;
        this.faults = faults;
        this.nodeAt = nodeAt;
    }

    @Override
    public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
        CompletableFuture<RangeReply> refused = refusal(hostPort);
        return refused != null ? refused : inner.send(hostPort, request);
    }

    @Override
    public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
        CompletableFuture<RangeReply> refused = refusal(hostPort);
        return refused != null ? refused : inner.sendAdmin(hostPort, request);
    }

    private CompletableFuture<RangeReply> refusal(String hostPort) {
        long node = nodeAt.applyAsLong(hostPort);
        if (node == 0 || !faults.isolates(node)) return null;
        faults.countRefusedRequest();
        return CompletableFuture.failedFuture(new NotSentException("node " + node + " at " + hostPort
                + " is cut off from this node by a fault-injection rule", null));
    }

    @Override
    public void close() {
        inner.close();
    }
}
