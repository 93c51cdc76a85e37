package io.conclave.node.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.conclave.node.cluster.ClusterView;
import io.conclave.node.metrics.MetricsRegistry;
import io.conclave.node.rpc.NodeRow;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLParameters;

/**
 * The node's HTTP endpoint ({@code --http}): {@code /health} (is this process up and
 * initialized), {@code /status/nodes} and {@code /status/ranges} (the data of {@code conclave
 * nodes} and {@code conclave ranges}, as JSON), {@code /status/range?id=N} (one range as each of
 * its replicas reports it), {@code /status/statements}, {@code /status/splits} and
 * {@code /status/timeseries?since=MS} (this node's own running statements, recent splits and
 * recent load), {@code /status/console?since=MS} (all of that for the whole cluster in one answer,
 * what the console polls), {@code /metrics} (Prometheus text) and the console itself at
 * {@code /}. Built on the JDK's HTTP server: these pages are small and not latency-critical.
 * A secure node serves them over HTTPS, each behind an admin's login but /health
 * ({@link HttpSecurity}).
 *
 * <p>Limits: {@link #THREADS} handler threads and a queue of {@link #QUEUED_REQUESTS}; a request
 * beyond that is refused by the server (503) rather than piling up, because each view costs one
 * status call per node. The console page asks every live node for its local pages
 * ({@link Fanout}, each bounded in time), so a node's threads may wait on another's: there are
 * enough threads that a node always has one free to answer those.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatusServer.class.getName());
    /**
     * Handler threads: the views block on other nodes' answers; four let /health, /metrics and
     * other consoles' requests for local pages through meanwhile.
     */
    static final int THREADS = 4;
    /** Requests waiting for a handler thread before new ones are refused. */
    static final int QUEUED_REQUESTS = 32;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private final Fanout fanout;

    private StatusServer(HttpServer server, ThreadPoolExecutor executor, Fanout fanout) {
        this.server = server;
        this.executor = executor;
        this.fanout = fanout;
    }

    /**
     * Serves on {@code listen} (port 0 picks one).
     *
     * @param nodeId this node's id, reported by every page
     * @param view the cluster views; its calls block, and run on the server's own threads
     * @param health a one-line JSON object for /health, e.g. the node's id and address
     * @param security {@link HttpSecurity#NONE} for plain open pages, else HTTPS and logins
     */
    public static StatusServer start(InetSocketAddress listen, long nodeId, ClusterView view, Supplier<String> health,
            LocalPages local, HttpSecurity security) {
        HttpServer server = create(listen, "node " + nodeId, security);
        ThreadPoolExecutor executor = executor("conclave-http-n" + nodeId);
        Fanout fanout = new Fanout("conclave-http-fanout-n" + nodeId, security);
        server.setExecutor(executor);
        server.createContext("/health", ex -> respond(ex, 200, () -> health.get()));
        // Every page but /health shows keys, SQL text or the layout: an admin's login first.
        HttpAuth auth = security.enabled() ? new HttpAuth(security, System::nanoTime) : null;
        BiConsumer<String, HttpHandler> page = (path, handler) -> {
            HttpContext context = server.createContext(path, handler);
            if (auth != null) context.getFilters().add(auth);
        };
        page.accept("/status/nodes", ex -> respond(ex, 200, () -> Json.nodes(nodeId, view.nodes())));
        page.accept("/status/ranges", ex -> respond(ex, 200, () -> Json.ranges(nodeId, view.ranges())));
        page.accept("/status/range", ex -> respond(ex, 200, () -> {
            long id = longParam(ex, "id", -1);
            if (id <= 0) throw new BadRequest("give the range as /status/range?id=N with N a positive range id");
            return Json.range(nodeId, id, view.range(id));
        }));
        page.accept("/status/statements", ex -> respond(ex, 200, local.statements()));
        page.accept("/status/splits", ex -> respond(ex, 200, local.splits()));
        page.accept("/status/timeseries", ex -> respond(ex, 200,
                () -> local.timeSeriesSince().apply(longParam(ex, "since", 0))));
        page.accept("/status/local", ex -> respond(ex, 200, () -> localJson(nodeId, local, longParam(ex, "since", 0))));
        page.accept("/status/console", ex -> respond(ex, 200, () -> {
            long since = longParam(ex, "since", 0);
            ClusterView.Overview o = view.overview();
            String nodes = fanout.collect(liveHttpAddresses(o), "/status/local?since=" + since, nodeId,
                    localJson(nodeId, local, since));
            return "{\"node_id\":" + nodeId + ",\"nodes\":" + Json.nodes(nodeId, o.nodes()) + ",\"ranges\":"
                    + Json.ranges(nodeId, o.ranges()) + ",\"local\":" + nodes + "}";
        }));
        page.accept("/metrics", ex -> respondText(ex, local.metrics()));
        Console console = Console.load();
        page.accept("/", ex -> console.serve(ex));
        server.start();
        return new StatusServer(server, executor, fanout);
    }

    /** The live nodes that serve HTTP, from the same look at the cluster as the rest of the page. */
    private static Map<Long, String> liveHttpAddresses(ClusterView.Overview o) {
        Map<Long, String> out = new TreeMap<>();
        for (NodeRow n : o.nodes()) {
            if (n.getLive() && !n.getHttpAddress().isEmpty()) out.put(n.getNodeId(), n.getHttpAddress());
        }
        return out;
    }

    private static String localJson(long nodeId, LocalPages local, long since) {
        return "{\"node_id\":" + nodeId + ",\"statements\":" + local.statements().get() + ",\"splits\":"
                + local.splits().get() + ",\"timeseries\":" + local.timeSeriesSince().apply(since) + "}";
    }

    /** A numeric query parameter, or {@code absent} when missing; a malformed one is a 400. */
    static long longParam(HttpExchange ex, String name, long absent) {
        String query = ex.getRequestURI().getRawQuery();
        if (query == null) return absent;
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name)) {
                try {
                    return Long.parseLong(part.substring(eq + 1));
                } catch (NumberFormatException e) {
                    throw new BadRequest("query parameter " + name + " must be a number, was \""
                            + part.substring(eq + 1) + "\"");
                }
            }
        }
        return absent;
    }

    /** A request the page cannot answer as asked: 400 with the reason. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** /metrics: Prometheus text; a failure is a 503 in text too, so a scraper logs it. */
    private static void respondText(HttpExchange ex, Supplier<String> body) throws IOException {
        int code = 200;
        String text;
        if (!"GET".equals(ex.getRequestMethod())) {
            code = 405;
            text = "only GET is served\n";
        } else if (!isExactPath(ex)) {
            code = 404;
            text = "no page " + ex.getRequestURI().getPath() + "\n";
        } else {
            try {
                text = body.get();
            } catch (RuntimeException e) {
                code = 503;
                text = "metrics unavailable: " + e.getMessage() + "\n";
            }
        }
        send(ex, code, code == 200 ? MetricsRegistry.contentType() : "text/plain; charset=utf-8",
                text.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int code, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * What a node without an identity serves while it waits for init or a join: every page
     * answers 503 with {@code {"status":"waiting", "message": ...}}, so a health check can tell a
     * waiting node from a dead one. Closed before the node starts its real pages on the address.
     * A secure node serves them over HTTPS, without a login: they hold nothing but that message.
     */
    public static StatusServer waiting(InetSocketAddress listen, String message, HttpSecurity security) {
        // Nothing here needs a login (no page shows data yet), but a secure node speaks only TLS.
        HttpServer server = create(listen, "a node waiting for init or join", security);
        ThreadPoolExecutor executor = executor("conclave-http-waiting");
        server.setExecutor(executor);
        String body = "{\"status\":\"waiting\",\"message\":" + Json.string(message) + "}";
        for (String page : List.of("/health", "/status/nodes", "/status/ranges", "/status/console", "/metrics")) {
            server.createContext(page, ex -> respond(ex, 503, () -> body));
        }
        server.start();
        return new StatusServer(server, executor, null);
    }

    private static HttpServer create(InetSocketAddress listen, String who, HttpSecurity security) {
        try {
            if (!security.enabled()) return HttpServer.create(listen, QUEUED_REQUESTS);
            HttpsServer https = HttpsServer.create(listen, QUEUED_REQUESTS);
            https.setHttpsConfigurator(new HttpsConfigurator(security.server()) {
                @Override
                public void configure(HttpsParameters params) {
                    // A certificate is asked for but not required: browsers log in with a password.
                    SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setWantClientAuth(true);
                    params.setSSLParameters(p);
                }
            });
            return https;
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
            } catch (BadRequest e) {
                code = 400;
                text = "{\"error\":" + Json.string(e.getMessage()) + "}";
            } catch (RuntimeException e) {
                LOG.fine(() -> "status page " + ex.getRequestURI() + " failed: " + e);
                code = 503;
                text = "{\"error\":" + Json.string(String.valueOf(e.getMessage())) + "}";
            }
        }
        send(ex, code, "application/json; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The JDK server matches contexts by prefix; only the exact paths are pages. */
    static boolean isExactPath(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String context = ex.getHttpContext().getPath();
        return path.equals(context) || path.equals(context + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (fanout != null) fanout.close();
    }
}
