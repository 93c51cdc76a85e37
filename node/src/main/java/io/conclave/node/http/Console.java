package io.conclave.node.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's static files, plain HTML, CSS and JavaScript from the node's jar (no build step,
 * nothing fetched from elsewhere), read once at start: {@code /} is the page, {@code /console/*}
 * its script and style. Only the files listed in {@link #FILES} are served, so no request path
 * reaches the class path.
 */
final class Console {
    private static final String RESOURCE_DIR = "/io/conclave/node/http/console/";
    /** Served path to resource name and content type. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/console/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/console/console.css", new String[] {"console.css", "text/css; charset=utf-8"});

    private record File(byte[] bytes, String contentType) {}

    private final Map<String, File> files;

    private Console(Map<String, File> files) {
        this.files = files;
    }

    static Console load() {
        Map<String, File> files = new LinkedHashMap<>();
        FILES.forEach((path, f) -> {
            try (InputStream in = Console.class.getResourceAsStream(RESOURCE_DIR + f[0])) {
                if (in == null) throw new IllegalStateException("the console's " + f[0] + " is missing from the jar");
                files.put(path, new File(in.readAllBytes(), f[1]));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the console's " + f[0], e);
            }
        });
        return new Console(Map.copyOf(files));
    }

    void serve(HttpExchange ex) throws IOException {
        File f = files.get(ex.getRequestURI().getPath());
        if (!"GET".equals(ex.getRequestMethod())) {
            StatusServer.send(ex, 405, "text/plain; charset=utf-8", bytes("only GET is served\n"));
        } else if (f == null) {
            StatusServer.send(ex, 404, "application/json; charset=utf-8", bytes("{\"error\":"
                    + Json.string("no page " + ex.getRequestURI().getPath()
                            + "; try /, /metrics, /health, /status/nodes, /status/ranges") + "}\n"));
        } else {
            StatusServer.send(ex, 200, f.contentType(), f.bytes());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
