package io.conclave.node;

import com.google.protobuf.ByteString;
import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.Keys;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvDelete;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RemoveReplica;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.range.rpc.TransferLeader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of a Conclave cluster's KV and admin API. Thread-safe: one client may serve many
 * concurrent callers, which then share one connection per node.
 *
 * <p>Every call is retried until it succeeds, fails for good, or the options' deadline passes:
 * on NOT_LEADER or NOT_LEASEHOLDER it goes to the node named (or the next known node when none
 * was named); on a timeout, a dropped proposal, an ambiguous result or a lost connection it backs
 * off exponentially and tries the next node. Point requests name no range (range id 0: the node
 * picks its replica holding the key); a scan asks a node for its ranges and scans each in turn.
 * Writes are idempotent (put, delete), so a retried write that had in fact been applied is
 * harmless. (A debugging client: the range-caching client replaces it.)
 */
public final class KvClient implements AutoCloseable {

    /**
     * @param attemptTimeout how long one attempt on one node may take
     * @param deadline how long a call may take in all, across attempts
     * @param maxAttempts the most attempts of one call
     * @param backoffMin first pause after a failed attempt; doubles up to {@code backoffMax}
     * @param backoffMax longest pause between attempts
     */
    public record Options(Duration attemptTimeout, Duration deadline, int maxAttempts, Duration backoffMin,
            Duration backoffMax) {
        public Options {
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            if (backoffMin.compareTo(backoffMax) > 0) {
                throw new IllegalArgumentException("backoffMin " + backoffMin + " exceeds backoffMax " + backoffMax);
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(3), Duration.ofSeconds(15), 30, Duration.ofMillis(20),
                    Duration.ofMillis(500));
        }

        public Options withDeadline(Duration newDeadline) {
            return new Options(attemptTimeout, newDeadline, maxAttempts, backoffMin, backoffMax);
        }
    }

    /** One row of a scan. */
    public record Row(byte[] key, byte[] value) {}

    private final List<InetSocketAddress> seeds;
    private final Options options;
    private final Map<InetSocketAddress, RpcClient> connections = new HashMap<>();
    /** Carries the largest node reading seen into every later request, on every connection. */
    private final ClientClock clock = new ClientClock();
    private InetSocketAddress preferred;
    /** Learned from NOT_LEADER / NOT_LEASEHOLDER answers: who serves each range. */
    private final Map<Long, InetSocketAddress> leaderByGroup = new HashMap<>();
    private int nextSeed;
    private boolean closed;

    private KvClient(List<InetSocketAddress> seeds, Options options) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("at least one node address is required");
        this.seeds = List.copyOf(seeds);
        this.options = options;
        this.preferred = seeds.get(0);
    }

    /** A client of the cluster that these nodes ({@code host:port}) belong to. No I/O yet. */
    public static KvClient connect(List<String> hostPorts, Options options) {
        List<InetSocketAddress> addrs = new ArrayList<>();
        for (String hp : hostPorts) addrs.add(HostPort.parse(hp));
        return new KvClient(addrs, options);
    }

    public static KvClient connect(String hostPorts) {
        return connect(List.of(hostPorts.split(",")), Options.defaults());
    }

    /** Writes {@code key = value}; returns the Raft index at which it was applied. */
    public long put(byte[] key, byte[] value) {
        KvPut put = KvPut.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build();
        return kv(KvRequest.newBuilder().setPut(put).build()).getAppliedIndex();
    }

    /** Removes {@code key} (no error if absent); returns the Raft index at which it was applied. */
    public long delete(byte[] key) {
        return kv(KvRequest.newBuilder().setDelete(KvDelete.newBuilder().setKey(ByteString.copyFrom(key))).build())
                .getAppliedIndex();
    }

    /** A linearizable read of {@code key}. */
    public Optional<byte[]> get(byte[] key) {
        KvResponse r = kv(KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(ByteString.copyFrom(key))).build());
        return r.getFound() ? Optional.of(r.getValue().toByteArray()) : Optional.empty();
    }

    /**
     * Up to {@code limit} rows with {@code start <= key < end} in key order (unsigned bytes); an
     * empty {@code end} means no upper bound, a {@code limit} of 0 the node's maximum.
     */
    public List<Row> scan(byte[] start, byte[] end, int limit) {
        byte[] from = Keys.compare(start, Keys.USER_START) < 0 ? Keys.USER_START : start;
        byte[] to = end.length == 0 ? Keys.KEY_MAX : end;
        List<RangeDescriptor> ranges = new ArrayList<>();
        for (GroupStatus g : status(HostPort.format(currentPreferred()))) {
            if (g.hasRangeDescriptor()) ranges.add(g.getRangeDescriptor());
        }
        ranges.sort(Comparator.comparing(d -> d.getStartKey().toByteArray(), Keys::compare));
        List<Row> rows = new ArrayList<>();
        for (RangeDescriptor d : ranges) {
            byte[] rangeEnd = d.getEndKey().toByteArray();
            if (Keys.compare(rangeEnd, from) <= 0) continue;
            if (Keys.compare(d.getStartKey().toByteArray(), to) >= 0) break;
            byte[] cursor = Keys.compare(from, d.getStartKey().toByteArray()) > 0 ? from : d.getStartKey().toByteArray();
            byte[] stop = Keys.compare(to, rangeEnd) < 0 ? to : rangeEnd;
            while (cursor != null && (limit == 0 || rows.size() < limit)) {
                KvScan scan = KvScan.newBuilder().setStartKey(ByteString.copyFrom(cursor))
                        .setEndKey(ByteString.copyFrom(stop)).setLimit(limit == 0 ? 0 : limit - rows.size()).build();
                KvResponse r = call(Frame.newBuilder().setKvRequest(KvRequest.newBuilder().setRangeId(d.getRangeId())
                        .setScan(scan)).build(), d.getRangeId()).getKvResponse();
                for (KvPair p : r.getPairsList()) rows.add(new Row(p.getKey().toByteArray(), p.getValue().toByteArray()));
                cursor = r.getResumeKey().isEmpty() ? null : r.getResumeKey().toByteArray();
            }
            if (limit != 0 && rows.size() >= limit) break;
        }
        return rows;
    }

    private synchronized InetSocketAddress currentPreferred() {
        return preferred;
    }

    /** Every group's state as the node at {@code hostPort} sees it (no redirect). */
    public List<GroupStatus> status(String hostPort) {
        return statusResponse(hostPort).getGroupsList();
    }

    /**
     * The whole status answer of the node at {@code hostPort} (no redirect): its groups, and the
     * clock offset it last measured to each peer with its {@code --max-offset}.
     */
    public AdminResponse statusResponse(String hostPort) {
        Frame f = Frame.newBuilder().setAdminRequest(AdminRequest.newBuilder()
                .setStatus(StatusRequest.getDefaultInstance())).build();
        Frame response = callOnce(HostPort.parse(hostPort), f);
        if (response.hasError()) {
            throw new KvClientException(response.getError().getCode(), hostPort + ": " + response.getError().getMessage());
        }
        return response.getAdminResponse();
    }

    /**
     * Adds {@code nodeId}, listening on {@code address} ({@code host:port}; null if the members
     * already know it), to {@code groupId} as a learner or a voter; returns once applied.
     */
    public List<GroupStatus> addReplica(long groupId, long nodeId, String address, boolean learner) {
        AddReplica.Builder add = AddReplica.newBuilder().setGroupId(groupId).setNodeId(nodeId).setLearner(learner);
        if (address != null) add.setAddress(address);
        return admin(AdminRequest.newBuilder().setAddReplica(add).build());
    }

    /** Removes {@code nodeId} from {@code groupId}; returns once applied. */
    public List<GroupStatus> removeReplica(long groupId, long nodeId) {
        return admin(AdminRequest.newBuilder().setRemoveReplica(RemoveReplica.newBuilder()
                .setGroupId(groupId).setNodeId(nodeId)).build());
    }

    /** Asks the leader of {@code groupId} to hand leadership to {@code toNode}; returns at once. */
    public List<GroupStatus> transferLeader(long groupId, long toNode) {
        return admin(AdminRequest.newBuilder().setTransferLeader(TransferLeader.newBuilder()
                .setGroupId(groupId).setToNode(toNode)).build());
    }

    @Override
    public synchronized void close() {
        closed = true;
        connections.values().forEach(RpcClient::close);
        connections.clear();
    }

    private KvResponse kv(KvRequest request) {
        return call(Frame.newBuilder().setKvRequest(request).build(), 0).getKvResponse();
    }

    private List<GroupStatus> admin(AdminRequest request) {
        long group = switch (request.getOpCase()) {
            case ADD_REPLICA -> request.getAddReplica().getGroupId();
            case REMOVE_REPLICA -> request.getRemoveReplica().getGroupId();
            case TRANSFER_LEADER -> request.getTransferLeader().getGroupId();
            default -> 0;
        };
        return call(Frame.newBuilder().setAdminRequest(request).build(), group).getAdminResponse().getGroupsList();
    }

    /** The retry loop: bounded by attempts and by the deadline. */
    private Frame call(Frame request, long group) {
        long deadlineNanos = System.nanoTime() + options.deadline().toNanos();
        long backoffNanos = options.backoffMin().toNanos();
        String lastProblem = "no attempt made";
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            InetSocketAddress target = target(group);
            Frame response;
            try {
                response = callOnce(target, request);
            } catch (KvClientException e) {
                if (e.code() != ErrorResponse.Code.TIMEOUT) throw e;
                lastProblem = e.getMessage();
                forget(group, target);
                rotate(target);
                response = null;
            }
            if (response != null && !response.hasError()) return response;
            if (response != null) {
                ErrorResponse err = response.getError();
                if (!retryable(err.getCode())) throw new KvClientException(err.getCode(), err.getMessage());
                lastProblem = err.getCode() + " from " + HostPort.format(target) + ": " + err.getMessage();
                boolean redirect = err.getCode() == ErrorResponse.Code.NOT_LEADER
                        || err.getCode() == ErrorResponse.Code.NOT_LEASEHOLDER;
                if (redirect && !err.getLeaderAddress().isEmpty()
                        && !HostPort.parse(err.getLeaderAddress()).equals(target)) {
                    redirect(err, HostPort.parse(err.getLeaderAddress()));
                    continue; // a named leader is worth trying at once
                }
                forget(group, target);
                rotate(target);
            }
            long sleepNanos = Math.min(backoffNanos, deadlineNanos - System.nanoTime());
            if (sleepNanos <= 0) break;
            pause(sleepNanos);
            backoffNanos = Math.min(backoffNanos * 2, options.backoffMax().toNanos());
        }
        throw new KvClientException(ErrorResponse.Code.TIMEOUT, "gave up after " + options.deadline() + " or "
                + options.maxAttempts() + " attempts; last problem: " + lastProblem);
    }

    private static boolean retryable(ErrorResponse.Code code) {
        return code == ErrorResponse.Code.NOT_LEADER || code == ErrorResponse.Code.TIMEOUT
                || code == ErrorResponse.Code.PROPOSAL_DROPPED || code == ErrorResponse.Code.INTERNAL
                || code == ErrorResponse.Code.NOT_LEASEHOLDER || code == ErrorResponse.Code.RANGE_NOT_FOUND
                || code == ErrorResponse.Code.AMBIGUOUS_RESULT;
    }

    private Frame callOnce(InetSocketAddress target, Frame request) {
        RpcClient rpc;
        try {
            rpc = connection(target);
            return rpc.call(request, options.attemptTimeout())
                    .get(options.attemptTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvClientException(ErrorResponse.Code.INTERNAL, "interrupted while calling " + HostPort.format(target));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (e instanceof KvClientException k) throw k;
            dropConnection(target);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new KvClientException(ErrorResponse.Code.TIMEOUT,
                    "no answer from " + HostPort.format(target) + ": " + cause.getMessage(), cause);
        }
    }

    private synchronized RpcClient connection(InetSocketAddress target) {
        if (closed) throw new KvClientException(ErrorResponse.Code.BAD_REQUEST, "the client is closed");
        RpcClient c = connections.get(target);
        if (c == null) {
            c = RpcClient.connect(target, TransportConfig.defaults(), clock);
            connections.put(target, c);
        }
        return c;
    }

    private synchronized void dropConnection(InetSocketAddress target) {
        RpcClient c = connections.remove(target);
        if (c != null) c.close();
    }

    private synchronized InetSocketAddress target(long group) {
        InetSocketAddress leader = group == 0 ? null : leaderByGroup.get(group);
        return leader != null ? leader : preferred;
    }

    private synchronized void redirect(ErrorResponse err, InetSocketAddress leader) {
        preferred = leader;
        if (err.getRangeId() == 0) return;
        leaderByGroup.put(err.getRangeId(), leader);
    }

    private synchronized void forget(long group, InetSocketAddress failed) {
        if (group != 0 && failed.equals(leaderByGroup.get(group))) leaderByGroup.remove(group);
    }

    private synchronized void rotate(InetSocketAddress failed) {
        if (!preferred.equals(failed)) return; // another caller already moved on
        nextSeed = (nextSeed + 1) % seeds.size();
        preferred = seeds.get(nextSeed);
    }

    private static void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvClientException(ErrorResponse.Code.INTERNAL, "interrupted while backing off");
        }
    }
}
