package io.conclave.node;

import io.conclave.driver.ConclaveUrl;
import io.conclave.node.sql.SqlShell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.conclave.node.security.CertsDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave sql}: the SQL shell against a running cluster. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Opens the SQL shell on a cluster. Statements end with ';'.",
            "With -e, or with statements piped on standard input, runs them and exits (status 1 at the first error)."})
final class SqlCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Nodes to connect to, tried in order (default 127.0.0.1:26257).")
    String host;

    @Option(names = "--url", paramLabel = "conclave://HOST:PORT[,...][?options]",
            description = "The cluster as a URL instead of --host (options: commit_wait=on|off, application_name).")
    String url;

    @Option(names = {"-e", "--execute"}, paramLabel = "SQL",
            description = "Run these statements (';'-separated) and exit.")
    List<String> execute = new ArrayList<>();

    @Option(names = "--commit-wait", paramLabel = "on|off", description = "The session's commit_wait setting.")
    String commitWait;

    @Option(names = "--certs-dir", paramLabel = "DIR",
            description = "Connect with TLS, trusting DIR/ca.crt; log in with DIR/client.USER.crt if it exists, else"
                    + " with a password (from $" + PASSWORD_ENV + ", or asked for on the terminal).")
    Path certsDir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "The SQL user (default root).")
    String user;

    static final String PASSWORD_ENV = "CONCLAVE_PASSWORD";

    @Override
    public Integer call() throws Exception {
        if (host != null && url != null) throw new IllegalArgumentException("give --host or --url, not both");
        ConclaveUrl target = ConclaveUrl.parse(url != null ? url : "conclave://" + (host != null ? host : "127.0.0.1:26257"));
        Map<String, String> options = new LinkedHashMap<>(target.options());
        if (commitWait != null) options.put("commit_wait", commitWait);
        if (user != null) options.put("user", user);
        if (certsDir != null) secureOptions(options);
        return runShell(target.hosts(), options, shell -> execute.isEmpty()
                ? shell.runStandardInput()
                : shell.run(new BufferedReader(new StringReader(String.join(";\n", execute))), false));
    }

    /** TLS and login options from --certs-dir: the CA, and the user's certificate or password. */
    private void secureOptions(Map<String, String> options) {
        CertsDir dir = new CertsDir(certsDir);
        String name = options.getOrDefault("user", CertsDir.ROOT_USER);
        options.put("user", name);
        options.put("sslrootcert", dir.caCert().toString());
        if (Files.isRegularFile(dir.clientCert(name))) {
            options.put("sslcert", dir.clientCert(name).toString());
            options.put("sslkey", dir.clientKey(name).toString());
            return;
        }
        if (options.containsKey("password")) return;
        String password = System.getenv(PASSWORD_ENV);
        if (password == null && System.console() != null) {
            char[] typed = System.console().readPassword("password for %s: ", name);
            password = typed == null ? null : new String(typed);
        }
        if (password == null) {
            throw new IllegalArgumentException("no " + dir.clientCert(name) + " and no password: set $" + PASSWORD_ENV
                    + " or run on a terminal");
        }
        options.put("password", password);
    }

    /** What a command does with a connected shell: true when every statement succeeded. */
    @FunctionalInterface
    interface ShellSession {
        boolean run(SqlShell shell) throws IOException;
    }

    /**
     * Connects a SQL shell to {@code hosts}, runs {@code session} on it and closes it: the exit
     * status of {@code conclave sql} and {@code conclave demo}. A failed connect is reported on
     * standard error as one line, not a stack trace.
     */
    static int runShell(List<ConclaveUrl.HostPort> hosts, Map<String, String> options, ShellSession session)
            throws IOException {
        SqlShell shell = new SqlShell(hosts, options, System.out, System::nanoTime);
        try {
            shell.connect();
        } catch (SQLException e) {
            System.err.println("conclave: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        try {
            return session.run(shell) ? 0 : Main.EXIT_FAILURE;
        } finally {
            shell.close();
        }
    }
}
