package io.conclave.node.cluster;

import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.transport.Connection;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportTls;
import io.conclave.node.transport.TransportException;
import io.conclave.range.rpc.ErrorResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Node-level requests over a client connection: one connection per call, which suits their
 * rate (a join, an init, a status view). See {@code rpc.proto}: the request rides beside an empty
 * admin request so the transport admits it on a client connection.
 */
public final class NodeRpc {
    private NodeRpc() {}

    /**
     * Sends {@code request} to the node at {@code hostPort} and waits at most {@code timeout}.
     *
     * @throws ClusterException with the node's error, or TIMEOUT if it could not be reached or
     *     did not answer in time
     */
    public static NodeResponse call(String hostPort, NodeRequest request, Duration timeout) {
        return call(hostPort, request, timeout, TransportTls.NONE);
    }

    /** As above, over TLS when {@code tls} is enabled. */
    public static NodeResponse call(String hostPort, NodeRequest request, Duration timeout, TransportTls tls) {
        TransportConfig config = TransportConfig.defaults().withConnectTimeout(timeout).withTls(tls);
        RpcClient client;
        try {
            client = RpcClient.connect(Addresses.parse(hostPort), config, FrameClock.none());
        } catch (TransportException e) {
            throw new ClusterException(ErrorResponse.Code.TIMEOUT, "cannot reach a node at " + hostPort
                    + " (" + e.getMessage() + "); is it started with --listen " + hostPort + "?", e);
        }
        try (client) {
            Frame answer = client.call(requestFrame(request), timeout).get(timeout.toMillis() + 1_000,
                    TimeUnit.MILLISECONDS);
            if (answer.hasError()) {
                throw new ClusterException(answer.getError().getCode(), answer.getError().getMessage());
            }
            if (!answer.hasNodeResponse()) {
                throw new ClusterException(ErrorResponse.Code.INTERNAL, "the node at " + hostPort
                        + " answered a node request with " + answer.getBodyCase() + " and no node response;"
                        + " is it running an older Conclave?");
            }
            return answer.getNodeResponse();
        } catch (ExecutionException e) {
            throw new ClusterException(ErrorResponse.Code.TIMEOUT, "no answer from " + hostPort + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ClusterException(ErrorResponse.Code.TIMEOUT, "no answer from " + hostPort + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(ErrorResponse.Code.TIMEOUT, "interrupted waiting for " + hostPort);
        }
    }

    /** The frame that carries a node request. */
    public static Frame requestFrame(NodeRequest request) {
        return Frame.newBuilder().setNodeRequest(request).build();
    }

    public static boolean isNodeRequest(Frame frame) {
        return frame.hasNodeRequest();
    }

    /** Answers a node request on its connection. */
    public static void reply(Connection connection, long requestId, NodeResponse response) {
        connection.send(Frame.newBuilder().setRequestId(requestId).setNodeResponse(response).build());
    }

    /** Refuses a request on its connection with a code and a message. */
    public static void replyError(Connection connection, long requestId, ErrorResponse.Code code, String message) {
        connection.send(Frame.newBuilder().setRequestId(requestId)
                .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message)).build());
    }
}
