package io.conclave.range.client;

import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.util.concurrent.CompletableFuture;

/**
 * How a {@link RangeClient} reaches one node: the network under the client, replaced by an
 * in-memory double in tests. Implementations keep their own connections and per-request timeout.
 *
 * <p>The futures complete with the node's answer (an error answer is a normal completion) or
 * exceptionally on a connection failure or a per-request timeout. A dialer that knows a request
 * never left this process (the connection could not be made) completes with
 * {@link NotSentException}: the client may then retry even a non-idempotent request elsewhere.
 * Any other exceptional completion leaves the request's fate unknown.
 */
public interface NodeDialer extends AutoCloseable {
    CompletableFuture<RangeReply> send(String hostPort, KvRequest request);

    CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request);

    @Override
    void close();
}
