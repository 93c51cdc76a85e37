package io.conclave.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.http.HttpAuth.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The login rules of a secure node's HTTP port, over a users table in memory and a manual clock:
 * who is let in, who gets 401 or 403, and that a password is hashed once per {@link LoginCache#TTL}.
 */
class HttpAuthTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final List<String> passwordChecks = new ArrayList<>();
    private final List<String> adminChecks = new ArrayList<>();
    private final Map<String, String> passwords = Map.of("root", "root-secret", "bob", "bob-secret");
    private final Set<String> admins = Set.of("root", "alice");

    private HttpAuth auth() throws Exception {
        SSLContext tls = SSLContext.getDefault();
        return new HttpAuth(HttpSecurity.of(tls, tls, (user, password) -> {
            passwordChecks.add(user);
            return password.equals(passwords.get(user));
        }, user -> {
            adminChecks.add(user);
            return admins.contains(user);
        }), nanos::get);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void passwordsDecideWithoutACertificate() throws Exception {
        HttpAuth auth = auth();
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), null));
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), "Bearer x"));
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), "Basic not-base64!"));
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), basic("root", "wrong")));
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), basic("Not A User", "x")));
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), basic("bob", "")));
        assertEquals(Outcome.FORBIDDEN, auth.decide(Optional.empty(), basic("bob", "bob-secret")));
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.empty(), basic("root", "root-secret")));
        // A colon belongs to the password, not the user.
        assertEquals(Outcome.UNAUTHENTICATED, auth.decide(Optional.empty(), basic("root", "root-secret:x")));
    }

    @Test
    void certificatesDecideAloneAndNodesAndRootAreAdmins() throws Exception {
        HttpAuth auth = auth();
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.of("node"), null));
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.of("root"), basic("bob", "wrong")));
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.of("alice"), null));
        assertEquals(Outcome.FORBIDDEN, auth.decide(Optional.of("bob"), null));
        assertEquals(Outcome.FORBIDDEN, auth.decide(Optional.of("carol"), basic("root", "root-secret")));
        assertEquals(List.of("alice", "bob", "carol"), adminChecks);
        assertTrue(passwordChecks.isEmpty(), "a certificate login never hashes a password: " + passwordChecks);
    }

    @Test
    void aGoodPasswordIsCheckedOncePerTtlAndAWrongOneEveryTime() throws Exception {
        HttpAuth auth = auth();
        for (int i = 0; i < 3; i++) auth.decide(Optional.empty(), basic("root", "root-secret"));
        assertEquals(List.of("root"), passwordChecks);
        for (int i = 0; i < 3; i++) auth.decide(Optional.empty(), basic("root", "wrong"));
        assertEquals(4, passwordChecks.size());
        nanos.addAndGet(LoginCache.TTL.toNanos() - 1);
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.empty(), basic("root", "root-secret")));
        assertEquals(4, passwordChecks.size());
        nanos.addAndGet(1);
        assertEquals(Outcome.ALLOWED, auth.decide(Optional.empty(), basic("root", "root-secret")));
        assertEquals(5, passwordChecks.size(), "an expired login is checked again");
    }

    @Test
    void theCacheKeepsAtMostItsBoundOldestOut() {
        LoginCache cache = new LoginCache(nanos::get);
        for (int i = 0; i < LoginCache.MAX_ENTRIES + 10; i++) {
            cache.put(LoginCache.passwordKey("u" + i, "p"), i % 2 == 0);
            nanos.addAndGet(Duration.ofMillis(1).toNanos());
        }
        assertEquals(LoginCache.MAX_ENTRIES, cache.size());
        assertEquals(Optional.empty(), cache.get(LoginCache.passwordKey("u0", "p")));
        assertEquals(Optional.of(true), cache.get(LoginCache.passwordKey("u" + (LoginCache.MAX_ENTRIES + 8), "p")));
        assertEquals(Optional.empty(), cache.get(LoginCache.passwordKey("u" + (LoginCache.MAX_ENTRIES + 8), "q")));
        assertTrue(!LoginCache.passwordKey("u", "secret").contains("secret"), "the key never holds the password");
    }
}
