package io.conclave.bench;

import com.google.protobuf.ByteString;
import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.Keys;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An asynchronous, leader-aware writer: it finds each key's range among the initial ranges the
 * nodes bootstrapped ({@link Scheduler#initialRanges}, so no splits while it runs), sends the put
 * straight to that range's last known leaseholder over one pipelined connection per node, and
 * follows NOT_LEADER / NOT_LEASEHOLDER hints a bounded number of times. No
 * thread waits on a put, so the client's CPU stays small next to the nodes'.
 */
final class RoutingWriter implements KvWriter {
    /** Redirects one put may follow before it fails; a leader change needs one, a storm a few. */
    static final int MAX_REDIRECTS = 5;
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final int groupCount;
    /** End keys of the user ranges 2..groupCount+1, in order; index i is range i + 2. */
    private final byte[][] rangeEnds;
    private final List<String> addresses;
    private final Map<String, RpcClient> connections = new HashMap<>();
    /** Group id (1-based) to the address of its last known leader; null until learned. */
    private final AtomicReferenceArray<String> leaders;

    RoutingWriter(List<String> addresses, int groupCount, Map<Long, String> initialLeaders) {
        this.addresses = List.copyOf(addresses);
        this.groupCount = groupCount;
        this.leaders = new AtomicReferenceArray<>(groupCount + 2);
        List<RangeDescriptor> ranges = Scheduler.initialRanges(List.of(1L), groupCount);
        this.rangeEnds = new byte[groupCount][];
        for (int i = 0; i < groupCount; i++) rangeEnds[i] = ranges.get(i + 1).getEndKey().toByteArray();
        initialLeaders.forEach((g, a) -> leaders.set(g.intValue(), a));
        for (String a : addresses) connections.put(a, RpcClient.connect(parse(a), TransportConfig.defaults(), FrameClock.none()));
    }

    @Override
    public CompletableFuture<?> put(byte[] key, byte[] value) {
        int group = rangeOf(key);
        Frame frame = Frame.newBuilder().setKvRequest(KvRequest.newBuilder().setRangeId(group).setPut(KvPut.newBuilder()
                .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)))).build();
        return attempt(group, frame, 0);
    }

    private CompletableFuture<Frame> attempt(int group, Frame frame, int redirects) {
        String target = leaders.get(group);
        if (target == null) target = addresses.get(group % addresses.size());
        RpcClient rpc = connections.get(target);
        if (rpc == null) return CompletableFuture.failedFuture(new IllegalStateException("unknown node " + target));
        return rpc.call(frame, ATTEMPT_TIMEOUT).thenCompose(response -> {
            if (!response.hasError()) return CompletableFuture.completedFuture(response);
            ErrorResponse err = response.getError();
            boolean redirect = (err.getCode() == ErrorResponse.Code.NOT_LEADER
                    || err.getCode() == ErrorResponse.Code.NOT_LEASEHOLDER) && redirects < MAX_REDIRECTS;
            if (!redirect) {
                return CompletableFuture.failedFuture(new IllegalStateException(err.getCode() + ": " + err.getMessage()));
            }
            String hint = err.getLeaderAddress();
            leaders.set(group, hint.isEmpty() || !connections.containsKey(hint) ? next(group) : hint);
            return attempt(group, frame, redirects + 1);
        });
    }

    /** The range id of a user key: the first initial range whose end is above it. */
    private int rangeOf(byte[] key) {
        int lo = 0;
        int hi = rangeEnds.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Keys.compare(key, rangeEnds[mid]) < 0) hi = mid;
            else lo = mid + 1;
        }
        return lo + (int) Keys.FIRST_USER_RANGE_ID;
    }

    private String next(int group) {
        String current = leaders.get(group);
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
