package io.conclave.node.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every live node's HTTP server for one of its local pages, all at once, so that the
 * console served by one node shows what every node knows only about itself (its statements,
 * splits and load). Each answer is bounded by {@link #TIMEOUT}: a node that hangs shows as an
 * error in its row, and the page is late by at most that much. Over HTTPS the JDK client checks
 * that the node certificate names the host of the address dialed, as it would for any site: a
 * node certificate must name the hosts of the {@code --http} addresses too.
 */
final class Fanout implements AutoCloseable {
    /** How long one node's page may take; the console polls about once a second. */
    static final Duration TIMEOUT = Duration.ofMillis(800);
    /** Bytes of a page kept; a local page is a few kilobytes. */
    static final int MAX_PAGE_BYTES = 1 << 20;

    private final ExecutorService threads;
    private final HttpClient http;
    private final String scheme;

    /** On a secure node it dials HTTPS presenting the node's certificate, which every node admits. */
    Fanout(String threadName, HttpSecurity security) {
        this.threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder().executor(threads).connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1);
        if (security.enabled()) builder.sslContext(security.client());
        this.http = builder.build();
        this.scheme = security.enabled() ? "https://" : "http://";
    }

    /** One row per node: {@code {"node_id":N,"page":{...}}} or {@code {"node_id":N,"error":"..."}}. */
    String collect(Map<Long, String> httpAddresses, String pathAndQuery, long selfId, String selfPage) {
        Map<Long, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
        for (Map.Entry<Long, String> e : httpAddresses.entrySet()) {
            if (e.getKey() == selfId) continue;
            HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + e.getValue() + pathAndQuery))
                    .timeout(TIMEOUT).GET().build();
            calls.put(e.getKey(), http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        StringBuilder sb = new StringBuilder("[");
        sb.append("{\"node_id\":").append(selfId).append(",\"page\":").append(selfPage).append('}');
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Map.Entry<Long, CompletableFuture<HttpResponse<String>>> e : calls.entrySet()) {
            sb.append(",{\"node_id\":").append(e.getKey()).append(',');
            try {
                HttpResponse<String> r = e.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                String body = r.body().strip();
                if (r.statusCode() == 200 && body.length() <= MAX_PAGE_BYTES && body.startsWith("{")) {
                    sb.append("\"page\":").append(body);
                } else {
                    sb.append("\"error\":").append(Json.string("HTTP " + r.statusCode() + " from "
                            + httpAddresses.get(e.getKey())));
                }
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true);
                sb.append("\"error\":").append(Json.string("no answer from " + httpAddresses.get(e.getKey())
                        + " within " + TIMEOUT.toMillis() + " ms"));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                sb.append("\"error\":\"interrupted\"");
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
