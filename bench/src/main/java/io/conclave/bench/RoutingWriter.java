package io.conclave.bench;

import com.google.protobuf.ByteString;
import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.Keys;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeDescriptor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An asynchronous, range-aware writer: it starts from the initial ranges the nodes bootstrapped
 * ({@link Scheduler#initialRanges}), sends each put straight to its range's last known leaseholder
 * over one pipelined connection per node, follows NOT_LEADER / NOT_LEASEHOLDER hints, and learns
 * the descriptors a RANGE_KEY_MISMATCH carries when a range splits under load, each a bounded
 * number of times. No thread waits on a put, so the client's CPU stays small next to the nodes'.
 * (The blocking {@code RangeClient} does all this and more, at the cost of a thread per put.)
 */
final class RoutingWriter implements KvWriter {
    /** Redirects one put may follow before it fails; a leader change needs one, a storm a few. */
    static final int MAX_REDIRECTS = 5;
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> addresses;
    private final Map<String, RpcClient> connections = new HashMap<>();
    /** Range id to the address of its last known leaseholder; absent until learned. */
    private final Map<Long, String> leaders = new ConcurrentHashMap<>();
    // Guarded by itself. Known ranges by end key (unsigned order); splits replace entries.
    private final TreeMap<byte[], RangeDescriptor> rangesByEnd = new TreeMap<>(Arrays::compareUnsigned);

    RoutingWriter(List<String> addresses, int groupCount, Map<Long, String> initialLeaders) {
        this.addresses = List.copyOf(addresses);
        for (RangeDescriptor d : Scheduler.initialRanges(List.of(1L), groupCount)) {
            rangesByEnd.put(d.getEndKey().toByteArray(), d);
        }
        leaders.putAll(initialLeaders);
        for (String a : addresses) connections.put(a, RpcClient.connect(parse(a), TransportConfig.defaults(), FrameClock.none()));
    }

    @Override
    public CompletableFuture<?> put(byte[] key, byte[] value) {
        KvPut put = KvPut.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build();
        return attempt(key, put, 0);
    }

    private CompletableFuture<Frame> attempt(byte[] key, KvPut put, int redirects) {
        long range = rangeOf(key);
        Frame frame = Frame.newBuilder().setKvRequest(KvRequest.newBuilder().setRangeId(range).setPut(put)).build();
        String target = leaders.get(range);
        if (target == null) target = addresses.get((int) (range % addresses.size()));
        RpcClient rpc = connections.get(target);
        if (rpc == null) return CompletableFuture.failedFuture(new IllegalStateException("unknown node " + target));
        String asked = target;
        return rpc.call(frame, ATTEMPT_TIMEOUT).thenCompose(response -> {
            if (!response.hasError()) return CompletableFuture.completedFuture(response);
            ErrorResponse err = response.getError();
            boolean retry = redirects < MAX_REDIRECTS && switch (err.getCode()) {
                case NOT_LEADER, NOT_LEASEHOLDER, RANGE_KEY_MISMATCH, RANGE_NOT_FOUND -> true;
                default -> false;
            };
            if (!retry) {
                return CompletableFuture.failedFuture(new IllegalStateException(err.getCode() + ": " + err.getMessage()));
            }
            if (err.getCode() == ErrorResponse.Code.RANGE_KEY_MISMATCH) {
                err.getDescriptorsList().forEach(this::learn);
            } else {
                String hint = err.getLeaderAddress();
                leaders.put(range, hint.isEmpty() || !connections.containsKey(hint) || hint.equals(asked)
                        ? next(asked) : hint);
            }
            return attempt(key, put, redirects + 1);
        });
    }

    /** The range id of a user key: the known range whose end is the first above it. */
    private long rangeOf(byte[] key) {
        synchronized (rangesByEnd) {
            Map.Entry<byte[], RangeDescriptor> e = rangesByEnd.higherEntry(key);
            return e == null ? Keys.FIRST_USER_RANGE_ID : e.getValue().getRangeId();
        }
    }

    /** Replaces the known ranges {@code d} overlaps, unless one of them is newer (a later split). */
    private void learn(RangeDescriptor d) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        synchronized (rangesByEnd) {
            List<byte[]> overlapping = new ArrayList<>();
            for (Map.Entry<byte[], RangeDescriptor> e : rangesByEnd.tailMap(start, false).entrySet()) {
                if (Keys.compare(e.getValue().getStartKey().toByteArray(), end) >= 0) break;
                if (e.getValue().getGeneration() > d.getGeneration()) return;
                overlapping.add(e.getKey());
            }
            overlapping.forEach(rangesByEnd::remove);
            rangesByEnd.put(end, d);
        }
        // A new range's leaseholder is learned from its first NOT_LEASEHOLDER hint.
    }

    private String next(String current) {
        int i = current == null ? 0 : addresses.indexOf(current);
        return addresses.get((i + 1) % addresses.size());
    }

    @Override
    public void close() {
        connections.values().forEach(RpcClient::close);
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
