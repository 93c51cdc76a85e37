package io.conclave.node.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.conclave.node.cluster.ClusterView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The node's HTTP status endpoint ({@code --http}): {@code /health} (is this process up and
 * initialized), {@code /status/nodes} and {@code /status/ranges} (the data of {@code conclave
 * nodes} and {@code conclave ranges}, as JSON). Built on the JDK's HTTP server: status pages are
 * rare, small and not latency-critical.
 *
 * <p>Limits: {@link #THREADS} handler threads and a queue of {@link #QUEUED_REQUESTS}; a request
 * beyond that is refused by the server (503) rather than piling up, because each view costs one
 * status call per node.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatusServer.class.getName());
    /** Handler threads: the views block on other nodes' answers, two let /health through meanwhile. */
    static final int THREADS = 2;
    /** Requests waiting for a handler thread before new ones are refused. */
    static final int QUEUED_REQUESTS = 32;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private StatusServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves on {@code listen} (port 0 picks one).
     *
     * @param nodeId this node's id, reported by every page
     * @param view the cluster views; its calls block, and run on the server's own threads
     * @param health a one-line JSON object for /health, e.g. the node's id and address
     */
    public static StatusServer start(InetSocketAddress listen, long nodeId, ClusterView view, Supplier<String> health) {
        HttpServer server = create(listen, "node " + nodeId);
        ThreadPoolExecutor executor = executor("conclave-http-n" + nodeId);
        server.setExecutor(executor);
        server.createContext("/health", ex -> respond(ex, 200, () -> health.get()));
        server.createContext("/status/nodes", ex -> respond(ex, 200, () -> Json.nodes(nodeId, view.nodes())));
        server.createContext("/status/ranges", ex -> respond(ex, 200, () -> Json.ranges(nodeId, view.ranges())));
        server.start();
        return new StatusServer(server, executor);
    }

    /**
     * What a node without an identity serves while it waits for init or a join: every page
     * answers 503 with {@code {"status":"waiting", "message": ...}}, so a health check can tell a
     * waiting node from a dead one. Closed before the node starts its real pages on the address.
     */
    public static StatusServer waiting(InetSocketAddress listen, String message) {
        HttpServer server = create(listen, "a node waiting for init or join");
        ThreadPoolExecutor executor = executor("conclave-http-waiting");
        server.setExecutor(executor);
        String body = "{\"status\":\"waiting\",\"message\":" + Json.string(message) + "}";
        for (String page : List.of("/health", "/status/nodes", "/status/ranges")) {
            server.createContext(page, ex -> respond(ex, 503, () -> body));
        }
        server.start();
        return new StatusServer(server, executor);
    }

    private static HttpServer create(InetSocketAddress listen, String who) {
        try {
            return HttpServer.create(listen, QUEUED_REQUESTS);
        } catch (IOException e) {
            throw new IllegalStateException(who + " cannot serve HTTP on " + listen + ": " + e.getMessage(), e);
        }
    }

    private static ThreadPoolExecutor executor(String threadName) {
        return new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED_REQUESTS),
                r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange ex, int okCode, Supplier<String> body) throws IOException {
        int code = okCode;
        String text;
        if (!"GET".equals(ex.getRequestMethod())) {
            code = 405;
            text = "{\"error\":\"only GET is served\"}";
        } else if (!isExactPath(ex)) {
            code = 404;
            text = "{\"error\":" + Json.string("no page " + ex.getRequestURI().getPath()
                    + "; try /health, /status/nodes, /status/ranges") + "}";
        } else {
            try {
                text = body.get();
            } catch (RuntimeException e) {
                LOG.fine(() -> "status page " + ex.getRequestURI() + " failed: " + e);
                code = 503;
                text = "{\"error\":" + Json.string(String.valueOf(e.getMessage())) + "}";
            }
        }
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The JDK server matches contexts by prefix; only the exact paths are pages. */
    private static boolean isExactPath(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String context = ex.getHttpContext().getPath();
        return path.equals(context) || path.equals(context + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
