package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import io.conclave.range.rpc.ErrorResponse;

/** How the transport classifies frames; the one place to extend when the schema grows a body. */
final class Frames {
    private Frames() {}

    /**
     * A response completes a call: it carries the request's id and a response body. Requests and
     * responses share the id space of the connection's two directions, so the body, not the id,
     * tells a response to our call from a request of the peer that happens to reuse the id.
     */
    static boolean isResponse(Frame frame) {
        return frame.getRequestId() != 0 && hasResponseBody(frame);
    }

    static boolean hasResponseBody(Frame frame) {
        return switch (frame.getBodyCase()) {
            case KV_RESPONSE, ADMIN_RESPONSE, NODE_RESPONSE, ERROR -> true;
            default -> false;
        };
    }

    /** What a client may send: a request with an id and a request body. */
    static boolean isClientRequest(Frame frame) {
        return frame.getRequestId() != 0 && hasClientRequestBody(frame);
    }

    static boolean hasClientRequestBody(Frame frame) {
        return switch (frame.getBodyCase()) {
            case KV_REQUEST, ADMIN_REQUEST, NODE_REQUEST -> true;
            default -> false;
        };
    }

    static Frame error(long requestId, ErrorResponse.Code code, String message) {
        return Frame.newBuilder()
                .setRequestId(requestId)
                .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    static String describe(Frame frame) {
        return frame.getBodyCase() + " request_id=" + frame.getRequestId()
                + " from_node=" + frame.getFromNode();
    }
}
