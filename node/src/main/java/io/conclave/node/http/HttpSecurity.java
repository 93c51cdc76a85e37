package io.conclave.node.http;

import java.util.function.BiPredicate;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * How a node's HTTP port is protected. {@link #NONE} (an insecure node): plain HTTP, every page
 * open. Otherwise HTTPS with the node's certificate, and every page but {@code /health} needs an
 * admin: a client certificate chained to the cluster CA (a node's, root's or an admin user's), or
 * HTTP Basic with a SQL user's password, checked against the users table as a SQL login is.
 * The pages show keys, SQL text and the cluster's layout, so an ordinary SQL user gets 403.
 */
public final class HttpSecurity {
    /** Plain HTTP, no authentication: what an insecure node serves. */
    public static final HttpSecurity NONE = new HttpSecurity(null, null, null, null);

    private final SSLContext server;
    private final SSLContext client;
    private final BiPredicate<String, String> passwords;
    private final Predicate<String> admins;

    private HttpSecurity(SSLContext server, SSLContext client, BiPredicate<String, String> passwords,
            Predicate<String> admins) {
        this.server = server;
        this.client = client;
        this.passwords = passwords;
        this.admins = admins;
    }

    /**
     * HTTPS with {@code server} (the node's certificate; it also verifies client certificates),
     * {@code client} for the console's calls to other nodes (presents the node's certificate),
     * {@code passwords} telling whether a user exists with a password (a slow hash, read from the
     * users table) and {@code admins} whether a user holds the admin role. Both may throw when
     * the users table cannot be read; the request is then a 503.
     */
    public static HttpSecurity of(SSLContext server, SSLContext client, BiPredicate<String, String> passwords,
            Predicate<String> admins) {
        if (server == null || client == null || passwords == null || admins == null) {
            throw new IllegalArgumentException("secure HTTP needs server and client TLS contexts, a password check"
                    + " and an admin check");
        }
        return new HttpSecurity(server, client, passwords, admins);
    }

    /**
     * HTTPS for a node that cannot read its users table yet (it waits for init or a join): only
     * a node's or root's certificate would pass the login.
     */
    public static HttpSecurity withoutUsers(SSLContext server, SSLContext client) {
        return of(server, client, (user, password) -> false, user -> false);
    }

    public boolean enabled() {
        return server != null;
    }

    SSLContext server() {
        return server;
    }

    SSLContext client() {
        return client;
    }

    boolean passwordMatches(String user, String password) {
        return passwords.test(user, password);
    }

    boolean isAdmin(String user) {
        return admins.test(user);
    }
}
