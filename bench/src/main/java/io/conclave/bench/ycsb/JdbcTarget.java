package io.conclave.bench.ycsb;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * YCSB over any JDBC database, with YCSB's JDBC schema: {@code usertable(YCSB_KEY VARCHAR PRIMARY
 * KEY, FIELD0 .. FIELDn VARCHAR)}. Each thread has its own connection (auto-commit, so each
 * operation is one transaction) and caches one prepared statement per distinct SQL text. The load
 * phase's batches are one transaction each.
 */
public final class JdbcTarget implements Target {
    /** Seconds a connection attempt may take: an unreachable database is an error, not a hang. */
    static final int LOGIN_TIMEOUT_SECONDS = 10;

    private final Factory factory;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection connection;

    private JdbcTarget(Factory factory) {
        this.factory = factory;
    }

    @Override
    public void init() throws SQLException {
        connection = factory.connect();
        connection.setAutoCommit(true);
    }

    @Override
    public void cleanup() throws SQLException {
        for (PreparedStatement ps : statements.values()) ps.close();
        statements.clear();
        if (connection != null) connection.close();
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private static String columns(Set<String> fields) {
        if (fields == null) return "*";
        List<String> cols = new ArrayList<>();
        for (String f : new TreeSet<>(fields)) cols.add(column(f));
        return String.join(", ", cols);
    }

    static String column(String field) {
        return field.toUpperCase(Locale.ROOT);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, byte[]> result) {
        try {
            PreparedStatement ps = prepare("SELECT " + columns(fields) + " FROM " + table + " WHERE YCSB_KEY = ?");
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Status.NOT_FOUND;
                readRow(rs, result);
            }
            return Status.OK;
        } catch (SQLException e) {
            return status(e);
        }
    }

    @Override
    public Status scan(String table, String startKey, int count, Set<String> fields, List<Map<String, byte[]>> result) {
        try {
            PreparedStatement ps = prepare("SELECT " + columns(fields) + " FROM " + table
                    + " WHERE YCSB_KEY >= ? ORDER BY YCSB_KEY LIMIT ?");
            ps.setString(1, startKey);
            ps.setInt(2, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, byte[]> row = new LinkedHashMap<>();
                    readRow(rs, row);
                    result.add(row);
                }
            }
            return Status.OK;
        } catch (SQLException e) {
            return status(e);
        }
    }

    private void readRow(ResultSet rs, Map<String, byte[]> into) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String col = meta.getColumnLabel(i).toUpperCase(Locale.ROOT);
            if (col.equals("YCSB_KEY")) continue;
            String v = rs.getString(i);
            into.put(factory.fieldOf(col), v == null ? new byte[0] : v.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    @Override
    public Status update(String table, String key, Map<String, byte[]> values) {
        try {
            List<String> fields = new ArrayList<>(new TreeSet<>(values.keySet()));
            List<String> sets = new ArrayList<>();
            for (String f : fields) sets.add(column(f) + " = ?");
            PreparedStatement ps = prepare("UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE YCSB_KEY = ?");
            for (int i = 0; i < fields.size(); i++) ps.setString(i + 1, CoreWorkload.text(values.get(fields.get(i))));
            ps.setString(fields.size() + 1, key);
            return ps.executeUpdate() == 1 ? Status.OK : Status.NOT_FOUND;
        } catch (SQLException e) {
            return status(e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, byte[]> values) {
        try {
            PreparedStatement ps = insertStatement(table, values);
            bindInsert(ps, key, values);
            return ps.executeUpdate() == 1 ? Status.OK : Status.ERROR;
        } catch (SQLException e) {
            return status(e);
        }
    }

    private PreparedStatement insertStatement(String table, Map<String, byte[]> values) throws SQLException {
        List<String> cols = new ArrayList<>(List.of("YCSB_KEY"));
        for (String f : new TreeSet<>(values.keySet())) cols.add(column(f));
        return prepare("INSERT INTO " + table + " (" + String.join(", ", cols) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(cols.size(), "?")) + ")");
    }

    private static void bindInsert(PreparedStatement ps, String key, Map<String, byte[]> values) throws SQLException {
        ps.setString(1, key);
        int i = 2;
        for (String f : new TreeSet<>(values.keySet())) ps.setString(i++, CoreWorkload.text(values.get(f)));
    }

    @Override
    public Status insertBatch(String table, List<String> keys, List<Map<String, byte[]>> records) {
        try {
            connection.setAutoCommit(false);
            try {
                PreparedStatement ps = insertStatement(table, records.get(0));
                for (int i = 0; i < keys.size(); i++) {
                    bindInsert(ps, keys.get(i), records.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
                connection.commit();
                return Status.OK;
            } catch (SQLException e) {
                connection.rollback();
                return status(e);
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            return status(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            PreparedStatement ps = prepare("DELETE FROM " + table + " WHERE YCSB_KEY = ?");
            ps.setString(1, key);
            return ps.executeUpdate() == 1 ? Status.OK : Status.NOT_FOUND;
        } catch (SQLException e) {
            return status(e);
        }
    }

    /**
     * An SQL error counted by its SQLSTATE, which is stable across messages and drivers. It may be
     * retried when the database rolled the transaction back (class 40: a serialization failure, a
     * deadlock) or the driver calls it transient.
     */
    static Status status(SQLException e) {
        String state = e.getSQLState() == null ? "UNKNOWN" : e.getSQLState().toUpperCase(Locale.ROOT);
        boolean retryable = state.startsWith("40") || e instanceof SQLTransientException;
        return new Status("SQLSTATE_" + state.replaceAll("[^A-Z0-9]", "_"), String.valueOf(e.getMessage()), retryable);
    }

    /** The JDBC target of one run: URL, credentials, and the driver (from the class path or a jar). */
    public static final class Factory implements TargetFactory {
        private final String url;
        private final Properties info = new Properties();
        private final Map<String, String> fieldByColumn = new HashMap<>();
        private URLClassLoader driverLoader;
        private final List<DriverShim> shims = new ArrayList<>();

        /** {@code driverJar} may be null: the driver is then looked up on the class path. */
        public Factory(String url, String user, String password, Path driverJar, List<String> fieldNames) throws SQLException {
            if (!url.startsWith("jdbc:")) throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', was " + url);
            this.url = url;
            if (user != null) info.setProperty("user", user);
            if (password != null) info.setProperty("password", password);
            for (String f : fieldNames) fieldByColumn.put(column(f), f);
            if (driverJar != null) loadDriver(driverJar);
            DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        }

        private void loadDriver(Path jar) throws SQLException {
            if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("--driver-jar " + jar + " is not a file");
            try {
                // The platform loader as parent: the jar's own driver classes are used, not a copy on the class path.
                driverLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--driver-jar " + jar + ": " + e.getMessage());
            }
            int registered = 0;
            for (Driver d : ServiceLoader.load(Driver.class, driverLoader)) {
                if (d.getClass().getClassLoader() != driverLoader) continue;
                DriverShim shim = new DriverShim(d);
                DriverManager.registerDriver(shim);
                shims.add(shim);
                registered++;
            }
            if (registered == 0) {
                throw new IllegalArgumentException("--driver-jar " + jar + " holds no JDBC driver"
                        + " (no META-INF/services/java.sql.Driver entry)");
            }
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, info);
        }

        String fieldOf(String column) {
            return fieldByColumn.getOrDefault(column, column.toLowerCase(Locale.ROOT));
        }

        @Override
        public void check() {
            try (Connection c = connect()) {
                if (!c.isValid(LOGIN_TIMEOUT_SECONDS)) throw new IllegalStateException(describe() + " is not answering");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + describe() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void createTable(WorkloadConfig w) throws SQLException {
            List<String> cols = new ArrayList<>(List.of("YCSB_KEY VARCHAR(255) PRIMARY KEY"));
            for (String f : w.fieldNames()) cols.add(column(f) + " VARCHAR(" + w.fieldLength() + ")");
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + w.table());
                s.execute("CREATE TABLE " + w.table() + " (" + String.join(", ", cols) + ")");
            }
        }

        @Override
        public Target create() {
            return new JdbcTarget(this);
        }

        /** The URL without its query string, which may hold a password. */
        @Override
        public String describe() {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q);
        }

        @Override
        public void close() throws Exception {
            for (DriverShim shim : shims) DriverManager.deregisterDriver(shim);
            if (driverLoader != null) driverLoader.close();
        }
    }
}
