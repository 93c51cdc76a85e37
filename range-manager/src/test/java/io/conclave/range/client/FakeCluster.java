package io.conclave.range.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A double of the network and the nodes behind a {@link NodeDialer}: several nodes that answer
 * as the range design says (leaseholder checks, span checks, scans with a row bound), sharing one
 * store (replication is not what is under test). Faults are scripted per node.
 */
final class FakeCluster implements NodeDialer {
    /** What a node does with one request instead of serving it. */
    enum Fault { NOT_SENT, TIMEOUT_UNPROPOSED, LOST_AFTER_APPLY, LOST_BEFORE_APPLY, AMBIGUOUS_AFTER_APPLY, DOWN }

    final int maxScanRows;
    final NavigableMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
    /** Each node's replicas: node id -> range id -> descriptor as that node has it. */
    final Map<Long, Map<Long, RangeDescriptor>> replicas = new TreeMap<>();
    final Map<Long, Long> leaseholder = new HashMap<>();
    final Map<Long, Deque<Fault>> faults = new HashMap<>();
    final Map<Long, Boolean> down = new HashMap<>();
    /** Every request any node received, as "n<id> <op> r<range>". */
    final List<String> log = new ArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    /** When set, leaseholders answer NOT_LEASEHOLDER without a hint (an election under way). */
    volatile int noLeaseholderAnswers;

    FakeCluster(int nodes, int maxScanRows) {
        this.maxScanRows = maxScanRows;
        for (long n = 1; n <= nodes; n++) replicas.put(n, new TreeMap<>());
        List<ReplicaDescriptor> all = new ArrayList<>();
        for (long n = 1; n <= nodes; n++) all.add(ReplicaDescriptor.newBuilder().setNodeId(n).build());
        RangeDescriptor meta = desc(1, Keys.KEY_MIN, Keys.USER_START, 0, all);
        RangeDescriptor user = desc(2, Keys.USER_START, Keys.KEY_MAX, 0, all);
        for (RangeDescriptor d : List.of(meta, user)) {
            for (long n = 1; n <= nodes; n++) replicas.get(n).put(d.getRangeId(), d);
            data.put(Keys.metaKey(d.getEndKey().toByteArray()), d.toByteArray());
        }
        leaseholder.put(1L, 1L);
        leaseholder.put(2L, 1L);
        data.put(Keys.rangeIdCounterKey(), ByteBuffer.allocate(8).putLong(2).array());
    }

    static String addr(long node) {
        return "127.0.0.1:" + (26000 + node);
    }

    static long nodeOf(String hostPort) {
        return Long.parseLong(hostPort.substring(hostPort.indexOf(':') + 1)) - 26000;
    }

    static RangeDescriptor desc(long id, byte[] start, byte[] end, long gen, List<ReplicaDescriptor> replicas) {
        return RangeDescriptor.newBuilder().setRangeId(id).setStartKey(ByteString.copyFrom(start))
                .setEndKey(ByteString.copyFrom(end)).setGeneration(gen).addAllReplicas(replicas).build();
    }

    synchronized void fault(long node, Fault... f) {
        faults.computeIfAbsent(node, k -> new ArrayDeque<>()).addAll(List.of(f));
    }

    /** Splits on every node (as the split trigger does at apply), without touching meta. */
    synchronized SplitResultPair splitOnNodes(long rangeId, byte[] key, long newId) {
        RangeDescriptor old = null;
        for (Map<Long, RangeDescriptor> r : replicas.values()) {
            if (r.containsKey(rangeId)) old = r.get(rangeId);
        }
        RangeDescriptor left = old.toBuilder().setEndKey(ByteString.copyFrom(key))
                .setGeneration(old.getGeneration() + 1).build();
        RangeDescriptor right = old.toBuilder().setRangeId(newId).setStartKey(ByteString.copyFrom(key))
                .setGeneration(old.getGeneration() + 1).build();
        for (Map<Long, RangeDescriptor> r : replicas.values()) {
            if (r.containsKey(rangeId)) {
                r.put(rangeId, left);
                r.put(newId, right);
            }
        }
        leaseholder.put(newId, leaseholder.get(rangeId));
        return new SplitResultPair(left, right);
    }

    private static RangeDescriptor descriptor(byte[] v) {
        try {
            return RangeDescriptor.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    record SplitResultPair(RangeDescriptor left, RangeDescriptor right) {}

    synchronized void writeMeta(RangeDescriptor d) {
        data.put(Keys.metaKey(d.getEndKey().toByteArray()), d.toByteArray());
    }

    @Override
    public synchronized CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
        return serve(hostPort, "kv " + request.getOpCase() + " r" + request.getRangeId(), n -> kv(n, request),
                isWrite(request));
    }

    @Override
    public synchronized CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
        return serve(hostPort, "admin " + request.getOpCase(), n -> admin(n, request), true);
    }

    private CompletableFuture<RangeReply> serve(String hostPort, String what, Function<Long, RangeReply> handler,
            boolean write) {
        requests.incrementAndGet();
        long node = nodeOf(hostPort);
        log.add("n" + node + " " + what);
        if (!replicas.containsKey(node) || down.getOrDefault(node, false)) {
            return CompletableFuture.failedFuture(new NotSentException("connection refused: " + hostPort, null));
        }
        Fault f = faults.getOrDefault(node, new ArrayDeque<>()).poll();
        if (f == null) return CompletableFuture.completedFuture(handler.apply(node));
        return switch (f) {
            case NOT_SENT, DOWN -> CompletableFuture.failedFuture(new NotSentException("refused " + hostPort, null));
            case TIMEOUT_UNPROPOSED -> error(ErrorResponse.Code.TIMEOUT, "no leader; never proposed");
            case LOST_BEFORE_APPLY -> CompletableFuture.failedFuture(new TimeoutException("timed out"));
            case LOST_AFTER_APPLY -> {
                handler.apply(node);
                yield CompletableFuture.failedFuture(new TimeoutException("timed out"));
            }
            case AMBIGUOUS_AFTER_APPLY -> {
                handler.apply(node);
                yield error(ErrorResponse.Code.AMBIGUOUS_RESULT, "leadership lost after proposing");
            }
        };
    }

    private static boolean isWrite(KvRequest r) {
        return switch (r.getOpCase()) {
            case GET, SCAN -> false;
            default -> true;
        };
    }

    private RangeReply kv(long node, KvRequest r) {
        Map<Long, RangeDescriptor> mine = replicas.get(node);
        RangeDescriptor d = mine.get(r.getRangeId());
        if (d == null) {
            return err(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.RANGE_NOT_FOUND)
                    .setMessage("n" + node + " has no replica of r" + r.getRangeId()).setRangeId(r.getRangeId()));
        }
        byte[] start;
        byte[] end;
        switch (r.getOpCase()) {
            case SCAN -> {
                start = r.getScan().getStartKey().toByteArray();
                end = r.getScan().getEndKey().toByteArray();
            }
            case DELETE_RANGE -> {
                start = r.getDeleteRange().getStartKey().toByteArray();
                end = r.getDeleteRange().getEndKey().toByteArray();
            }
            default -> {
                start = key(r);
                end = Keys.next(start);
            }
        }
        byte[] s = d.getStartKey().toByteArray();
        byte[] e = d.getEndKey().toByteArray();
        if (Keys.compare(start, s) < 0 || Keys.compare(end, e) > 0) {
            ErrorResponse.Builder b = ErrorResponse.newBuilder().setCode(ErrorResponse.Code.RANGE_KEY_MISMATCH)
                    .setMessage("keys outside r" + d.getRangeId()).setRangeId(d.getRangeId()).addDescriptors(d);
            for (RangeDescriptor other : mine.values()) {
                if (other != d && Keys.contains(other.getStartKey().toByteArray(), other.getEndKey().toByteArray(),
                        start)) {
                    b.addDescriptors(other);
                }
            }
            return err(b);
        }
        long holder = leaseholder.getOrDefault(d.getRangeId(), 0L);
        if (noLeaseholderAnswers > 0) {
            noLeaseholderAnswers--;
            return err(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEASEHOLDER).setMessage("electing"));
        }
        if (holder != node) {
            return err(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEASEHOLDER)
                    .setMessage("n" + node + " does not hold the lease of r" + d.getRangeId())
                    .setLeaderHint(holder).setLeaderAddress(holder == 0 ? "" : addr(holder)));
        }
        return execute(r);
    }

    private static byte[] key(KvRequest r) {
        return switch (r.getOpCase()) {
            case GET -> r.getGet().getKey().toByteArray();
            case PUT -> r.getPut().getKey().toByteArray();
            case DELETE -> r.getDelete().getKey().toByteArray();
            case CONDITIONAL_PUT -> r.getConditionalPut().getKey().toByteArray();
            case INCREMENT -> r.getIncrement().getKey().toByteArray();
            case META_UPDATE -> r.getMetaUpdate().getKey().toByteArray();
            case META_UPDATES -> Keys.metaKey(r.getMetaUpdates().getRangeDescriptors(0).getEndKey().toByteArray());
            default -> throw new IllegalArgumentException(r.getOpCase().toString());
        };
    }

    private RangeReply execute(KvRequest r) {
        KvResponse.Builder out = KvResponse.newBuilder();
        switch (r.getOpCase()) {
            case GET -> {
                byte[] v = data.get(key(r));
                if (v != null) out.setFound(true).setValue(ByteString.copyFrom(v));
            }
            case PUT -> data.put(key(r), r.getPut().getValue().toByteArray());
            case DELETE -> data.remove(key(r));
            case CONDITIONAL_PUT -> {
                byte[] v = data.get(key(r));
                boolean ok = r.getConditionalPut().getExpectAbsent() ? v == null
                        : v != null && Arrays.equals(v, r.getConditionalPut().getExpectedValue().toByteArray());
                if (!ok) {
                    ErrorResponse.Builder b = ErrorResponse.newBuilder()
                            .setCode(ErrorResponse.Code.CONDITION_FAILED).setMessage("condition failed");
                    if (v != null) b.setFound(true).setActualValue(ByteString.copyFrom(v));
                    return err(b);
                }
                data.put(key(r), r.getConditionalPut().getValue().toByteArray());
            }
            case INCREMENT -> {
                byte[] v = data.get(key(r));
                long n = (v == null ? 0 : ByteBuffer.wrap(v).getLong()) + r.getIncrement().getDelta();
                byte[] nv = ByteBuffer.allocate(8).putLong(n).array();
                data.put(key(r), nv);
                out.setValue(ByteString.copyFrom(nv));
            }
            case META_UPDATE -> {
                byte[] v = data.get(key(r));
                try {
                    if (v == null || RangeDescriptor.parseFrom(v).getGeneration()
                            <= r.getMetaUpdate().getRangeDescriptor().getGeneration()) {
                        data.put(key(r), r.getMetaUpdate().getRangeDescriptor().toByteArray());
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
            case META_UPDATES -> {
                // The node's rule (MetaRecords), over this double's map.
                var update = r.getMetaUpdates().getRangeDescriptorsList();
                byte[] s = MetaRecords.start(update);
                byte[] e = MetaRecords.end(update);
                List<RangeDescriptor> displaced = new ArrayList<>();
                for (byte[] v : data.subMap(Keys.metaLookupStart(s), true, Keys.metaLookupStart(e), false).values()) {
                    if (displaced.size() > update.size()) break;
                    displaced.add(descriptor(v));
                }
                boolean startIsBoundary = s.length == 0 || data.containsKey(Keys.metaKey(s));
                if (MetaRecords.refusal(update, startIsBoundary, displaced) != null) {
                    out.setFound(true);
                } else {
                    data.subMap(Keys.metaLookupStart(s), true, Keys.metaLookupStart(e), false).clear();
                    for (RangeDescriptor d : update) data.put(Keys.metaKey(d.getEndKey().toByteArray()), d.toByteArray());
                }
            }
            case SCAN -> {
                int limit = Math.min(r.getScan().getLimit(), maxScanRows);
                byte[] end = r.getScan().getEndKey().toByteArray();
                for (Map.Entry<byte[], byte[]> en : data.subMap(r.getScan().getStartKey().toByteArray(), true, end,
                        false).entrySet()) {
                    if (out.getPairsCount() == limit) {
                        out.setResumeKey(ByteString.copyFrom(en.getKey()));
                        break;
                    }
                    out.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(en.getKey()))
                            .setValue(ByteString.copyFrom(en.getValue())));
                }
            }
            case DELETE_RANGE -> {
                NavigableMap<byte[], byte[]> sub = data.subMap(r.getDeleteRange().getStartKey().toByteArray(), true,
                        r.getDeleteRange().getEndKey().toByteArray(), false);
                out.setDeleted(sub.size());
                sub.clear();
            }
            default -> throw new IllegalArgumentException(r.getOpCase().toString());
        }
        return RangeReply.newBuilder().setKvResponse(out).build();
    }

    private RangeReply admin(long node, AdminRequest r) {
        switch (r.getOpCase()) {
            case STATUS -> {
                AdminResponse.Builder b = AdminResponse.newBuilder();
                for (RangeDescriptor d : replicas.get(node).values()) {
                    long holder = leaseholder.getOrDefault(d.getRangeId(), 0L);
                    b.addGroups(GroupStatus.newBuilder().setGroupId(d.getRangeId()).setLeader(holder)
                            .setRangeDescriptor(d).setLease(Lease.newBuilder().setHolder(holder).setSequence(1)));
                }
                return RangeReply.newBuilder().setAdminResponse(b).build();
            }
            case SPLIT_RANGE -> {
                long id = r.getSplitRange().getRangeId();
                RangeDescriptor d = replicas.get(node).get(id);
                if (d == null) return error(ErrorResponse.Code.RANGE_NOT_FOUND, "no r" + id).join();
                if (leaseholder.get(id) != node) return notLeaseholder(id);
                byte[] key = r.getSplitRange().getSplitKey().toByteArray();
                if (Keys.compare(key, d.getStartKey().toByteArray()) <= 0
                        || Keys.compare(key, d.getEndKey().toByteArray()) >= 0) {
                    return error(ErrorResponse.Code.BAD_REQUEST, "split key outside r" + id).join();
                }
                long expected = r.getSplitRange().getExpectedGeneration();
                if (expected != 0 && expected != d.getGeneration()) {
                    return error(ErrorResponse.Code.BAD_REQUEST, "r" + id + " is at generation " + d.getGeneration()
                            + ", not the expected " + expected).join();
                }
                SplitResultPair p = splitOnNodes(id, key, r.getSplitRange().getNewRangeId());
                return RangeReply.newBuilder().setAdminResponse(AdminResponse.newBuilder().setLeft(p.left())
                        .setRight(p.right())).build();
            }
            case TRANSFER_LEASE -> {
                long id = r.getTransferLease().getRangeId();
                if (leaseholder.get(id) != node) return notLeaseholder(id);
                leaseholder.put(id, r.getTransferLease().getToNode());
                return RangeReply.newBuilder().setAdminResponse(AdminResponse.getDefaultInstance()).build();
            }
            case ADD_REPLICA, REMOVE_REPLICA -> {
                long id = r.hasAddReplica() ? r.getAddReplica().getGroupId() : r.getRemoveReplica().getGroupId();
                long holder = leaseholder.get(id);
                if (holder != node) {
                    return err(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEADER).setMessage("not leader")
                            .setLeaderHint(holder).setLeaderAddress(addr(holder)));
                }
                return RangeReply.newBuilder().setAdminResponse(AdminResponse.getDefaultInstance()).build();
            }
            default -> {
                return error(ErrorResponse.Code.BAD_REQUEST, "unsupported").join();
            }
        }
    }

    private RangeReply notLeaseholder(long id) {
        long holder = leaseholder.get(id);
        return err(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEASEHOLDER).setMessage("not holder")
                .setLeaderHint(holder).setLeaderAddress(addr(holder)));
    }

    private static RangeReply err(ErrorResponse.Builder b) {
        return RangeReply.newBuilder().setError(b).build();
    }

    private static CompletableFuture<RangeReply> error(ErrorResponse.Code code, String message) {
        return CompletableFuture.completedFuture(err(ErrorResponse.newBuilder().setCode(code).setMessage(message)));
    }

    @Override
    public void close() {}
}
