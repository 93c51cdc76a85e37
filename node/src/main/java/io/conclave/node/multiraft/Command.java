package io.conclave.node.multiraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.node.rpc.KvRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a normal Raft entry of a KV group carries; the first byte says which kind.
 *
 * <ul>
 *   <li>{@link Kv}: a write, with who proposed it (node and proposal id, so that only the
 *       proposing node answers the client, and only for its own entry). Layout:
 *       {@code [1][origin node 8B][proposal id 8B][KvRequest protobuf]}.
 *   <li>{@link NodeAddress}: where a node listens, replicated so that every member of the group
 *       can reach a node that joined later. Layout: {@code [2][node id 8B][HOST:PORT UTF-8]}.
 * </ul>
 */
sealed interface Command permits Command.Kv, Command.NodeAddress {
    byte KIND_KV = 1;
    byte KIND_NODE_ADDRESS = 2;

    byte[] encode();

    static Command decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        byte kind = buf.get();
        if (kind == KIND_KV) return Kv.decode(buf);
        if (kind == KIND_NODE_ADDRESS) {
            long node = buf.getLong();
            return new NodeAddress(node, StandardCharsets.UTF_8.decode(buf).toString());
        }
        throw new IllegalStateException("unknown command kind " + kind + " in the Raft log");
    }

    record Kv(long originNode, long proposalId, KvRequest request) implements Command {
        static final int HEADER_BYTES = 17;

        @Override
        public byte[] encode() {
            byte[] body = request.toByteArray();
            return ByteBuffer.allocate(HEADER_BYTES + body.length)
                    .put(KIND_KV).putLong(originNode).putLong(proposalId).put(body).array();
        }

        static Kv decode(ByteBuffer buf) {
            long origin = buf.getLong();
            long id = buf.getLong();
            try {
                return new Kv(origin, id, KvRequest.parseFrom(buf));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt KV command in the Raft log: " + e.getMessage(), e);
            }
        }
    }

    record NodeAddress(long nodeId, String hostPort) implements Command {
        @Override
        public byte[] encode() {
            byte[] addr = hostPort.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(9 + addr.length).put(KIND_NODE_ADDRESS).putLong(nodeId).put(addr).array();
        }
    }
}
