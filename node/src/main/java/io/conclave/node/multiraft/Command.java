package io.conclave.node.multiraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.node.rpc.KvRequest;
import java.nio.ByteBuffer;

/**
 * A write as it travels through the Raft log: who proposed it (node and proposal id, so that only
 * the proposing node answers the client, and only for its own entry) and the request itself.
 * Layout: {@code [version 1B][origin node 8B][proposal id 8B][KvRequest protobuf]}.
 */
record Command(long originNode, long proposalId, KvRequest request) {
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 17;

    byte[] encode() {
        byte[] body = request.toByteArray();
        return ByteBuffer.allocate(HEADER_BYTES + body.length)
                .put(VERSION).putLong(originNode).putLong(proposalId).put(body).array();
    }

    static Command decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        byte version = buf.get();
        if (version != VERSION) {
            throw new IllegalStateException("unknown command version " + version + " in the Raft log");
        }
        long origin = buf.getLong();
        long id = buf.getLong();
        try {
            KvRequest req = KvRequest.parseFrom(ByteBuffer.wrap(data, HEADER_BYTES, data.length - HEADER_BYTES));
            return new Command(origin, id, req);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt command in the Raft log: " + e.getMessage(), e);
        }
    }
}
