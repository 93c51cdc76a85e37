package io.conclave.range.multiraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.rpc.KvRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a normal Raft entry of a KV group carries; the first byte says which kind.
 *
 * <ul>
 *   <li>{@link Kv}: a write, with who proposed it (node and proposal id, so that only the
 *       proposing node answers the client, and only for its own entry). Layout:
 *       {@code [1][origin node 8B][proposal id 8B][KvRequest protobuf]}.
 *   <li>{@link NodeAddress}: where a node listens, replicated so that every member of the group
 *       can reach a node that joined later. Layout: {@code [2][node id 8B][HOST:PORT UTF-8]}.
 *   <li>{@link KvBatch}: several writes proposed to one group in one scheduler cycle, applied in
 *       order as one entry: one entry and one APPEND per follower instead of one per write.
 *       Layout: {@code [3][origin node 8B][count 4B]} then per write
 *       {@code [proposal id 8B][length 4B][KvRequest protobuf]}.
 * </ul>
 */
sealed interface Command permits Command.Kv, Command.NodeAddress, Command.KvBatch {
    byte KIND_KV = 1;
    byte KIND_NODE_ADDRESS = 2;
    byte KIND_KV_BATCH = 3;

    byte[] encode();

    static Command decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        byte kind = buf.get();
        if (kind == KIND_KV) return Kv.decode(buf);
        if (kind == KIND_KV_BATCH) return KvBatch.decode(buf);
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

    /** Writes of one origin node, applied in list order; {@code proposalIds[i]} names {@code requests[i]}. */
    record KvBatch(long originNode, long[] proposalIds, List<KvRequest> requests) implements Command {
        static final int HEADER_BYTES = 13;
        static final int PER_WRITE_BYTES = 12;

        public KvBatch {
            requests = List.copyOf(requests);
            Invariants.check(proposalIds.length == requests.size() && !requests.isEmpty(),
                    "a KV batch needs one proposal id per request and at least one request, got %s ids for %s",
                    proposalIds.length, requests.size());
        }

        @Override
        public byte[] encode() {
            List<byte[]> bodies = new ArrayList<>(requests.size());
            int size = HEADER_BYTES;
            for (KvRequest r : requests) {
                byte[] body = r.toByteArray();
                bodies.add(body);
                size += PER_WRITE_BYTES + body.length;
            }
            ByteBuffer buf = ByteBuffer.allocate(size).put(KIND_KV_BATCH).putLong(originNode).putInt(requests.size());
            for (int i = 0; i < bodies.size(); i++) {
                buf.putLong(proposalIds[i]).putInt(bodies.get(i).length).put(bodies.get(i));
            }
            return buf.array();
        }

        static KvBatch decode(ByteBuffer buf) {
            long origin = buf.getLong();
            int count = buf.getInt();
            if (count < 1 || count > buf.remaining() / PER_WRITE_BYTES) {
                throw new IllegalStateException("corrupt KV batch in the Raft log: " + count + " writes in "
                        + buf.remaining() + " bytes");
            }
            long[] ids = new long[count];
            List<KvRequest> requests = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    ids[i] = buf.getLong();
                    byte[] body = new byte[buf.getInt()];
                    buf.get(body);
                    requests.add(KvRequest.parseFrom(body));
                }
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new IllegalStateException("corrupt KV batch in the Raft log: " + e.getMessage(), e);
            }
            return new KvBatch(origin, ids, requests);
        }
    }
}
