package io.conclave.range.multiraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.SplitRange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a normal Raft entry of a range carries; the first byte says which kind.
 *
 * <ul>
 *   <li>{@link Kv}: a write, with who proposed it (node and proposal id, so that only the
 *       proposing node answers the client, and only for its own entry) and the lease sequence it
 *       was proposed under. Layout:
 *       {@code [1][origin node 8B][proposal id 8B][lease sequence 8B][KvRequest protobuf]}.
 *   <li>{@link NodeAddress}: where a node listens, replicated so that every member of the range
 *       can reach a node that joined later. Layout: {@code [2][node id 8B][HOST:PORT UTF-8]}.
 *   <li>{@link KvBatch}: several writes proposed to one range in one scheduler cycle, applied in
 *       order as one entry: one entry and one APPEND per follower instead of one per write.
 *       Layout: {@code [3][origin node 8B][lease sequence 8B][count 4B]} then per write
 *       {@code [proposal id 8B][length 4B][KvRequest protobuf]}.
 *   <li>{@link Split}: the split trigger. Layout:
 *       {@code [4][origin node 8B][proposal id 8B][lease sequence 8B][SplitRange protobuf]}.
 *   <li>{@link RequestLease}: a new lease or an extension (also a transfer), with the lease it
 *       replaces. Layout: {@code [5][origin node 8B][proposal id 8B][previous length 4B][previous
 *       Lease protobuf][Lease protobuf]}.
 *   <li>{@link MvccBatch}: requests on a user range's multi-version keys, each with what its
 *       proposing leaseholder chose for it, so that every replica evaluates it alike: its clock
 *       reading ({@code now}) and the timestamp cache's floor for its keys. Reads that had to
 *       wait for in-flight writes go this way too (evaluated at apply, answered by the proposer
 *       only). Layout: {@code [6][origin node 8B][lease sequence 8B][count 4B]} then per request
 *       {@code [proposal id 8B][now 8B+4B][floor 8B+4B][length 4B][KvRequest protobuf]}.
 * </ul>
 *
 * <p>A lease sequence of 0 means "not proposed under a lease" and is checked against nothing;
 * only writes carry a non-zero one once leases exist.
 */
sealed interface Command permits Command.Kv, Command.NodeAddress, Command.KvBatch, Command.Split,
        Command.RequestLease, Command.MvccBatch {
    byte KIND_KV = 1;
    byte KIND_NODE_ADDRESS = 2;
    byte KIND_KV_BATCH = 3;
    byte KIND_SPLIT = 4;
    byte KIND_REQUEST_LEASE = 5;
    byte KIND_MVCC_BATCH = 6;

    byte[] encode();

    static Command decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        byte kind = buf.get();
        try {
            if (kind == KIND_KV) return new Kv(buf.getLong(), buf.getLong(), buf.getLong(), KvRequest.parseFrom(buf));
            if (kind == KIND_KV_BATCH) return KvBatch.decode(buf);
            if (kind == KIND_MVCC_BATCH) return MvccBatch.decode(buf);
            if (kind == KIND_SPLIT) {
                return new Split(buf.getLong(), buf.getLong(), buf.getLong(), SplitRange.parseFrom(buf));
            }
            if (kind == KIND_REQUEST_LEASE) {
                long origin = buf.getLong();
                long id = buf.getLong();
                byte[] previous = new byte[buf.getInt()];
                buf.get(previous);
                return new RequestLease(origin, id, Lease.parseFrom(previous), Lease.parseFrom(buf));
            }
            if (kind == KIND_NODE_ADDRESS) {
                long node = buf.getLong();
                return new NodeAddress(node, StandardCharsets.UTF_8.decode(buf).toString());
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalStateException("corrupt command of kind " + kind + " in the Raft log: " + e.getMessage(), e);
        }
        throw new IllegalStateException("unknown command kind " + kind + " in the Raft log");
    }

    private static byte[] withHeader(byte kind, long a, long b, long c, byte[] body) {
        return ByteBuffer.allocate(25 + body.length).put(kind).putLong(a).putLong(b).putLong(c).put(body).array();
    }

    record Kv(long originNode, long proposalId, long leaseSequence, KvRequest request) implements Command {
        @Override
        public byte[] encode() {
            return withHeader(KIND_KV, originNode, proposalId, leaseSequence, request.toByteArray());
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
    record KvBatch(long originNode, long leaseSequence, long[] proposalIds, List<KvRequest> requests)
            implements Command {
        static final int HEADER_BYTES = 21;
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
            ByteBuffer buf = ByteBuffer.allocate(size).put(KIND_KV_BATCH).putLong(originNode).putLong(leaseSequence)
                    .putInt(requests.size());
            for (int i = 0; i < bodies.size(); i++) {
                buf.putLong(proposalIds[i]).putInt(bodies.get(i).length).put(bodies.get(i));
            }
            return buf.array();
        }

        static KvBatch decode(ByteBuffer buf) throws InvalidProtocolBufferException {
            long origin = buf.getLong();
            long leaseSequence = buf.getLong();
            int count = buf.getInt();
            if (count < 1 || count > buf.remaining() / PER_WRITE_BYTES) {
                throw new IllegalStateException(count + " writes in " + buf.remaining() + " bytes");
            }
            long[] ids = new long[count];
            List<KvRequest> requests = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids[i] = buf.getLong();
                byte[] body = new byte[buf.getInt()];
                buf.get(body);
                requests.add(KvRequest.parseFrom(body));
            }
            return new KvBatch(origin, leaseSequence, ids, requests);
        }
    }

    record Split(long originNode, long proposalId, long leaseSequence, SplitRange split) implements Command {
        @Override
        public byte[] encode() {
            return withHeader(KIND_SPLIT, originNode, proposalId, leaseSequence, split.toByteArray());
        }
    }

    /**
     * Proposes {@code lease}; it applies only if the range's lease is still exactly
     * {@code previous}, so two racing requests cannot both win (see {@code LeaseRules}).
     */
    record RequestLease(long originNode, long proposalId, Lease previous, Lease lease) implements Command {
        @Override
        public byte[] encode() {
            byte[] prev = previous.toByteArray();
            byte[] next = lease.toByteArray();
            return ByteBuffer.allocate(21 + prev.length + next.length).put(KIND_REQUEST_LEASE).putLong(originNode)
                    .putLong(proposalId).putInt(prev.length).put(prev).put(next).array();
        }
    }

    /** One request of an {@link MvccBatch} and the evaluation inputs its proposer chose. */
    record MvccOp(long proposalId, Timestamp now, Timestamp writeFloor, KvRequest request) {}

    /** Requests on one user range's MVCC keys from one origin node, applied in list order. */
    record MvccBatch(long originNode, long leaseSequence, List<MvccOp> ops) implements Command {
        static final int HEADER_BYTES = 21;
        static final int PER_OP_BYTES = 8 + 12 + 12 + 4;

        public MvccBatch {
            ops = List.copyOf(ops);
            Invariants.check(!ops.isEmpty(), "an MVCC batch needs at least one request");
        }

        @Override
        public byte[] encode() {
            List<byte[]> bodies = new ArrayList<>(ops.size());
            int size = HEADER_BYTES;
            for (MvccOp op : ops) {
                byte[] body = op.request().toByteArray();
                bodies.add(body);
                size += PER_OP_BYTES + body.length;
            }
            ByteBuffer buf = ByteBuffer.allocate(size).put(KIND_MVCC_BATCH).putLong(originNode).putLong(leaseSequence)
                    .putInt(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                MvccOp op = ops.get(i);
                buf.putLong(op.proposalId());
                putTs(buf, op.now());
                putTs(buf, op.writeFloor());
                buf.putInt(bodies.get(i).length).put(bodies.get(i));
            }
            return buf.array();
        }

        private static void putTs(ByteBuffer buf, Timestamp ts) {
            buf.putLong(ts.wallNanos()).putInt(ts.logical());
        }

        private static Timestamp getTs(ByteBuffer buf) {
            return new Timestamp(buf.getLong(), buf.getInt());
        }

        static MvccBatch decode(ByteBuffer buf) throws InvalidProtocolBufferException {
            long origin = buf.getLong();
            long leaseSequence = buf.getLong();
            int count = buf.getInt();
            if (count < 1 || count > buf.remaining() / PER_OP_BYTES) {
                throw new IllegalStateException(count + " MVCC requests in " + buf.remaining() + " bytes");
            }
            List<MvccOp> ops = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long id = buf.getLong();
                Timestamp now = getTs(buf);
                Timestamp floor = getTs(buf);
                byte[] body = new byte[buf.getInt()];
                buf.get(body);
                ops.add(new MvccOp(id, now, floor, KvRequest.parseFrom(body)));
            }
            return new MvccBatch(origin, leaseSequence, ops);
        }
    }
}
