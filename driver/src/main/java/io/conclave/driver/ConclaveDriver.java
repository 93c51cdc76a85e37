package io.conclave.driver;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:conclave://HOST:PORT[,HOST:PORT...][?options]}, found by
 * {@link DriverManager} through {@code META-INF/services/java.sql.Driver}. Options (in the URL or
 * the {@link Properties}, the URL winning): {@code commit_wait=on|off}, {@code application_name},
 * {@code user}, {@code connect_timeout_ms}, {@code socket_timeout_ms}, {@code load_balance_hosts=disable|random}
 * (try the hosts in the URL's order, or in a random order per connection); for a secure cluster {@code password}
 * or a client certificate ({@code sslcert}, {@code sslkey}), and {@code sslrootcert} (the cluster's
 * {@code ca.crt}, which turns TLS on; see {@link ClientTls}).
 */
public final class ConclaveDriver implements Driver {
    public static final int MAJOR_VERSION = 0;
    public static final int MINOR_VERSION = 1;

    static {
        try {
            DriverManager.registerDriver(new ConclaveDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) return null; // the JDBC contract: not ours, let another driver try
        ConclaveUrl parsed;
        Map<String, String> options = new LinkedHashMap<>();
        try {
            parsed = ConclaveUrl.parse(url);
            if (info != null) {
                for (String name : info.stringPropertyNames()) {
                    ConclaveUrl.checkOption(name);
                    options.put(name, info.getProperty(name));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new SQLException("bad Conclave URL: " + e.getMessage(), "08001");
        }
        options.putAll(parsed.options());
        SqlConnection.Settings settings;
        try {
            settings = new SqlConnection.Settings(
                    intOption(options, "connect_timeout_ms", SqlConnection.Settings.DEFAULTS.connectTimeoutMillis()),
                    intOption(options, "socket_timeout_ms", SqlConnection.Settings.DEFAULTS.socketTimeoutMillis()),
                    SqlConnection.Settings.DEFAULTS.maxFrameBytes());
            SqlConnection.hostOrder(parsed.hosts(), options.get("load_balance_hosts"));
        } catch (IllegalArgumentException e) {
            throw new SQLException("bad connection option: " + e.getMessage(), "08001");
        }
        options.remove("connect_timeout_ms");
        options.remove("socket_timeout_ms");
        return new ConclaveConnection(url, parsed, options, settings);
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        String v = options.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds, got '" + v + "'");
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return ConclaveUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        DriverPropertyInfo commitWait = new DriverPropertyInfo("commit_wait", "off");
        commitWait.choices = new String[] {"on", "off"};
        commitWait.description = "Hold each commit's acknowledgement until every clock has passed its timestamp";
        DriverPropertyInfo loadBalance = new DriverPropertyInfo("load_balance_hosts", "disable");
        loadBalance.choices = new String[] {"disable", "random"};
        loadBalance.description = "Try the URL's hosts in its order, or in a random order for each connection";
        return new DriverPropertyInfo[] {
            commitWait,
            new DriverPropertyInfo("application_name", ""),
            new DriverPropertyInfo("connect_timeout_ms", "5000"),
            new DriverPropertyInfo("socket_timeout_ms", "0"),
            loadBalance,
            new DriverPropertyInfo("sslmode", "disable"),
            new DriverPropertyInfo("sslrootcert", null),
            new DriverPropertyInfo("sslcert", null),
            new DriverPropertyInfo("sslkey", null),
        };
    }

    @Override
    public int getMajorVersion() {
        return MAJOR_VERSION;
    }

    @Override
    public int getMinorVersion() {
        return MINOR_VERSION;
    }

    /** Not yet: the driver implements much of JDBC but not all of it (see the package docs). */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw Errors.notSupported("Driver.getParentLogger");
    }
}
