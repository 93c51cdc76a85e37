package io.conclave.node.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.conclave.node.security.CertsDir;
import io.conclave.node.transport.TransportTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The check in front of every page of a secure node but {@code /health}. A client certificate
 * (already verified against the cluster CA by the handshake) decides alone when one was
 * presented: a node's and root's are admins, a user's is an admin when the users table says so.
 * Without one, HTTP Basic with a SQL user's password. No credentials or wrong ones: 401 with a
 * Basic challenge (a browser then asks); right ones of a user who is not an admin: 403.
 */
final class HttpAuth extends Filter {
    private static final Logger LOG = Logger.getLogger(HttpAuth.class.getName());
    static final String CHALLENGE = "Basic realm=\"conclave\", charset=\"UTF-8\"";

    enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN, UNAVAILABLE }

    private final HttpSecurity security;
    private final LoginCache logins;

    HttpAuth(HttpSecurity security, LongSupplier nanos) {
        this.security = security;
        this.logins = new LoginCache(nanos);
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        Outcome outcome;
        try {
            outcome = decide(certificateName(ex), ex.getRequestHeaders().getFirst("Authorization"));
        } catch (RuntimeException e) {
            LOG.fine(() -> "cannot check the login of " + ex.getRemoteAddress() + ": " + e);
            outcome = Outcome.UNAVAILABLE;
        }
        switch (outcome) {
            case ALLOWED -> chain.doFilter(ex);
            case UNAUTHENTICATED -> {
                ex.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
                refuse(ex, 401, "log in with a client certificate or with a SQL user's password (HTTP Basic)");
            }
            case FORBIDDEN -> refuse(ex, 403, "these pages are for admins: only /health is open to other users");
            case UNAVAILABLE -> refuse(ex, 503, "cannot check the login now (the users table is unavailable)");
        }
    }

    @Override
    public String description() {
        return "client certificate or HTTP Basic login of an admin";
    }

    Outcome decide(Optional<String> certificateName, String authorization) {
        if (certificateName.isPresent()) {
            String name = certificateName.get();
            if (name.equals(CertsDir.NODE_NAME) || name.equals(CertsDir.ROOT_USER)) return Outcome.ALLOWED;
            String key = LoginCache.certificateKey(name);
            boolean admin = logins.get(key).orElseGet(() -> {
                boolean a = security.isAdmin(name);
                logins.put(key, a);
                return a;
            });
            return admin ? Outcome.ALLOWED : Outcome.FORBIDDEN;
        }
        Optional<String[]> basic = basic(authorization);
        if (basic.isEmpty()) return Outcome.UNAUTHENTICATED;
        String user = basic.get()[0];
        String password = basic.get()[1];
        String key = LoginCache.passwordKey(user, password);
        Optional<Boolean> cached = logins.get(key);
        if (cached.isEmpty()) {
            if (!security.passwordMatches(user, password)) return Outcome.UNAUTHENTICATED;
            cached = Optional.of(security.isAdmin(user));
            logins.put(key, cached.get());
        }
        return cached.get() ? Outcome.ALLOWED : Outcome.FORBIDDEN;
    }

    /** User and password of an {@code Authorization: Basic} header; empty if absent or malformed. */
    static Optional<String[]> basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon == decoded.length() - 1) return Optional.empty();
        String user = decoded.substring(0, colon);
        try {
            CertsDir.checkUser(user); // the same names as SQL users; anything else cannot log in
        } catch (IllegalArgumentException notAUser) {
            return Optional.empty();
        }
        return Optional.of(new String[] {user, decoded.substring(colon + 1)});
    }

    private static Optional<String> certificateName(HttpExchange ex) {
        if (!(ex instanceof HttpsExchange https)) return Optional.empty();
        try {
            return Optional.of(TransportTls.commonName(https.getSSLSession().getPeerCertificates()));
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty();
        }
    }

    private static void refuse(HttpExchange ex, int code, String message) throws IOException {
        StatusServer.send(ex, code, "application/json; charset=utf-8",
                ("{\"error\":" + Json.string(message) + "}\n").getBytes(StandardCharsets.UTF_8));
    }
}
