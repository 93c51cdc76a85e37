package io.conclave.node.clocksync;

import io.conclave.clock.proto.ClockPing;
import io.conclave.clock.proto.ClockPong;
import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportTls;
import io.conclave.range.rpc.AdminRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Pings peers over one client connection per peer, stamped with no clock: the hybrid logical
 * clocks on either side never see these frames, so a clock far outside the bound can still be
 * measured (see the package docs for why the node-to-node connection cannot be used).
 *
 * <p>Connections are opened lazily on the calling thread (waiting at most the ping timeout),
 * replaced when the peer's address changes or the connection dropped, and closed by
 * {@link #close}. One connection per peer, so at most {@code peers} client connections.
 */
public final class ClientConnectionPinger implements ClockSync.Pinger {
    private final LongFunction<InetSocketAddress> addressOf;
    private final TransportTls tls;
    // Guarded by this.
    private final Map<Long, RpcClient> clients = new HashMap<>();
    private boolean closed;

    /** @param addressOf where a node listens, or null if unknown */
    public ClientConnectionPinger(LongFunction<InetSocketAddress> addressOf) {
        this(addressOf, TransportTls.NONE);
    }

    /** As above, pinging over TLS when {@code tls} is enabled (a secure node presents its own certificate). */
    public ClientConnectionPinger(LongFunction<InetSocketAddress> addressOf, TransportTls tls) {
        if (addressOf == null || tls == null) {
            throw new IllegalArgumentException("address lookup and tls must be set");
        }
        this.addressOf = addressOf;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<ClockPong> ping(long nodeId, ClockPing ping, Duration timeout) {
        InetSocketAddress address = addressOf.apply(nodeId);
        if (address == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no address known for node " + nodeId));
        }
        RpcClient client = clientFor(nodeId, address, timeout);
        Frame request = Frame.newBuilder().setAdminRequest(AdminRequest.newBuilder().setClockPing(ping)).build();
        return client.call(request, timeout).thenApply(answer -> {
            if (answer.hasAdminResponse() && answer.getAdminResponse().hasClockPong()) {
                return answer.getAdminResponse().getClockPong();
            }
            throw new IllegalStateException("node " + nodeId + " answered a clock ping with "
                    + (answer.hasError() ? answer.getError().getCode() + ": " + answer.getError().getMessage()
                            : answer.getBodyCase()));
        });
    }

    private synchronized RpcClient clientFor(long nodeId, InetSocketAddress address, Duration connectTimeout) {
        if (closed) {
            throw new IllegalStateException("clock pinger is closed");
        }
        RpcClient client = clients.get(nodeId);
        if (client != null && client.isOpen() && client.remoteAddress().equals(address)) {
            return client;
        }
        if (client != null) {
            client.close();
            clients.remove(nodeId);
        }
        // FrameClock.none(): the requests carry no reading and the answers' readings are not absorbed.
        client = RpcClient.connect(address, TransportConfig.defaults().withConnectTimeout(connectTimeout).withTls(tls),
                FrameClock.none());
        clients.put(nodeId, client);
        return client;
    }

    @Override
    public synchronized void close() {
        closed = true;
        clients.values().forEach(RpcClient::close);
        clients.clear();
    }
}
