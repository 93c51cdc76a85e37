package io.conclave.node.client;

import io.conclave.node.rpc.Frame;
import io.conclave.node.transport.ClientEventLoop;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.RpcClient;
import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportException;
import io.conclave.range.client.NodeDialer;
import io.conclave.range.client.NotSentException;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link NodeDialer} of real clusters: one {@link RpcClient} connection per node address,
 * opened on first use and reopened after it is lost, all on one shared I/O thread
 * ({@link ClientEventLoop}: answers from several nodes are picked up in one wake-up). Every request carries the highest node
 * clock reading seen so far (see {@link HighestSeenClock}).
 *
 * <p>Failures map onto the client's retry policy: a connection that cannot be opened, a closed
 * client or back-pressure mean the request never left ({@link NotSentException}: even a
 * non-idempotent request may be retried); a lost connection or a timeout leave its fate unknown;
 * a frame too large for the transport is answered as the node would, TOO_LARGE.
 */
public final class NettyNodeDialer implements NodeDialer {
    private final TransportConfig config;
    private final Duration requestTimeout;
    private final FrameClock clock;
    private final ConcurrentHashMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    // Guarded by endpoints' monitor (this dialer's connections' loop, started at the first connection).
    private ClientEventLoop loop;
    private volatile boolean closed;

    public NettyNodeDialer(Duration requestTimeout) {
        this(TransportConfig.defaults(), requestTimeout, new HighestSeenClock());
    }

    /** Connections made with {@code config} (its TLS, its limits), carrying the highest clock reading seen. */
    public NettyNodeDialer(TransportConfig config, Duration requestTimeout) {
        this(config, requestTimeout, new HighestSeenClock());
    }

    public NettyNodeDialer(TransportConfig config, Duration requestTimeout, FrameClock clock) {
        if (config == null || requestTimeout == null || clock == null) {
            throw new IllegalArgumentException("config, requestTimeout and clock must be set");
        }
        this.config = config;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
        return call(hostPort, Frame.newBuilder().setKvRequest(request).build());
    }

    @Override
    public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
        return call(hostPort, Frame.newBuilder().setAdminRequest(request).build());
    }

    private CompletableFuture<RangeReply> call(String hostPort, Frame frame) {
        if (closed) return CompletableFuture.failedFuture(new NotSentException("the dialer is closed", null));
        Endpoint endpoint = endpoints.computeIfAbsent(hostPort, Endpoint::new);
        RpcClient rpc;
        try {
            rpc = endpoint.connection();
        } catch (TransportException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new NotSentException("cannot reach " + hostPort + ": "
                    + e.getMessage(), e));
        }
        return rpc.call(frame, requestTimeout).handle((response, failure) -> {
            if (failure == null) return reply(hostPort, response);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TransportException t) {
                switch (t.reason()) {
                    case TOO_LARGE -> {
                        return RangeReply.newBuilder().setError(ErrorResponse.newBuilder()
                                .setCode(ErrorResponse.Code.TOO_LARGE).setMessage("request to " + hostPort
                                        + " exceeds the maximum frame of " + config.maxFrameBytes() + " bytes"))
                                .build();
                    }
                    case OVERLOADED, CONNECT_FAILED -> throw new NotSentException(t.getMessage(), t);
                    case CONNECTION_LOST, CLOSED -> endpoint.drop(rpc);
                    default -> { }
                }
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }

    private static RangeReply reply(String hostPort, Frame f) {
        return switch (f.getBodyCase()) {
            case KV_RESPONSE -> RangeReply.newBuilder().setKvResponse(f.getKvResponse()).build();
            case ADMIN_RESPONSE -> RangeReply.newBuilder().setAdminResponse(f.getAdminResponse()).build();
            case ERROR -> RangeReply.newBuilder().setError(f.getError()).build();
            default -> RangeReply.newBuilder().setError(ErrorResponse.newBuilder()
                    .setCode(ErrorResponse.Code.INTERNAL)
                    .setMessage(hostPort + " answered a " + f.getBodyCase() + " frame to a client request")).build();
        };
    }

    @Override
    public void close() {
        closed = true;
        List<Endpoint> all = new ArrayList<>(endpoints.values());
        endpoints.clear();
        for (Endpoint e : all) e.close();
        ClientEventLoop stopping;
        synchronized (endpoints) {
            stopping = loop;
            loop = null;
        }
        if (stopping != null) stopping.close();
    }

    /** The connections' loop, started on first use; throws CLOSED once the dialer is closed. */
    private ClientEventLoop loop() {
        synchronized (endpoints) {
            if (closed) throw new TransportException(TransportException.Reason.CLOSED, "the dialer is closed");
            if (loop == null) loop = ClientEventLoop.start("conclave-client");
            return loop;
        }
    }

    /**
     * One node's address and its current connection. Dialing is serialized by {@link #dialing},
     * which the I/O thread never takes: a lost connection is dropped from the I/O thread (its
     * calls fail there), and a dial waits for that same thread, so a drop that had to wait for a
     * dial would stall every connection of the dialer for good.
     */
    private final class Endpoint {
        private final InetSocketAddress address;
        private final AtomicReference<RpcClient> current = new AtomicReference<>();
        private final Object dialing = new Object();

        Endpoint(String hostPort) {
            this.address = parse(hostPort);
        }

        RpcClient connection() {
            RpcClient rpc = current.get();
            if (rpc != null && rpc.isOpen()) return rpc;
            synchronized (dialing) {
                rpc = current.get();
                if (rpc != null && rpc.isOpen()) return rpc;
                if (closed) throw new TransportException(TransportException.Reason.CLOSED, "the dialer is closed");
                if (rpc != null) drop(rpc);
                RpcClient fresh = RpcClient.connect(address, config, clock, loop());
                current.set(fresh);
                if (closed) {
                    // Raced with the dialer's close, whose sweep may have missed it.
                    close();
                    throw new TransportException(TransportException.Reason.CLOSED, "the dialer is closed");
                }
                return fresh;
            }
        }

        /** Forgets {@code broken} if it is still the current connection, and closes it; takes no lock. */
        void drop(RpcClient broken) {
            if (current.compareAndSet(broken, null)) broken.close();
        }

        void close() {
            RpcClient rpc = current.getAndSet(null);
            if (rpc != null) rpc.close();
        }
    }

    /** {@code host:port}, as flags and hints spell it ({@code [v6]:port} too). */
    static InetSocketAddress parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 1 || port > 65_535) throw new IllegalArgumentException("'" + text + "': port out of range");
        return new InetSocketAddress(host, port);
    }
}
