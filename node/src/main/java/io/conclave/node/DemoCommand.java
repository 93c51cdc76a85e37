package io.conclave.node;

import io.conclave.driver.ConclaveUrl;
import io.conclave.node.client.Clients;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.SplitResult;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A throwaway local cluster: three child JVMs of this classpath on loopback, stores in a temp
 * dir, and the SQL shell on stdin (the KV shell with {@code --kv}). Standard input that is not a
 * terminal is read as a script, so {@code echo 'select 1;' | conclave demo} runs and exits.
 * Whatever way the shell ends, the three processes it started are stopped and the temp dir is
 * deleted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a local 3-node cluster and opens the SQL shell on it.",
            "Statements piped on standard input run as a script; the cluster stops when the shell ends."})
final class DemoCommand implements Callable<Integer> {
    private static final int NODES = 3;
    private static final long START_TIMEOUT_MILLIS = 30_000;
    /** How long a node may take to close its store on SIGTERM before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Option(names = "--initial-ranges", defaultValue = "1", paramLabel = "N",
            description = "Pre-split the user keyspace into N ranges (default 1).")
    int initialRanges;

    @Option(names = "--kv", description = "Open the key-value shell instead of the SQL shell.")
    boolean kv;

    private final List<NodeProcess> children = new ArrayList<>();
    private final List<String> httpPages = new ArrayList<>();
    private Path dir;

    @Override
    public Integer call() throws Exception {
        dir = Files.createTempDirectory("conclave-demo-");
        Thread cleanup = new Thread(this::stopAll, "conclave-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C
        try {
            List<String> addrs = startNodes();
            System.out.println("started 3 nodes: " + String.join(", ", addrs) + " (stores and logs in " + dir + ")");
            System.out.println("console: " + httpPages.get(0) + "/ (metrics at /metrics and status at /status/ranges on "
                    + "each of " + String.join(", ", httpPages) + ")");
            System.out.println("'conclave nodes|ranges|split|lease-transfer --host " + addrs.get(0) + "' from another shell");
            try (RangeClient client = Clients.connect(addrs)) {
                waitForLeaders(client, addrs);
                if (kv) {
                    new DemoShell(client, addrs.get(0), System.out).run(
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
                    return 0;
                }
            }
            return sqlShell(addrs);
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
        }
    }

    private int sqlShell(List<String> addrs) throws IOException {
        System.out.println("JDBC: DriverManager.getConnection(\"jdbc:conclave://" + String.join(",", addrs)
                + "\") with conclave-driver on the class path; shell: conclave sql --host " + addrs.get(0));
        List<ConclaveUrl.HostPort> hosts = addrs.stream().map(ConclaveUrl.HostPort::parse).toList();
        return SqlCommand.runShell(hosts, Map.of(), shell -> {
            boolean ok = shell.runStandardInput();
            System.out.println("stopping the cluster");
            return ok;
        });
    }

    private List<String> startNodes() throws IOException, InterruptedException {
        List<String> addrs = new ArrayList<>();
        int[] ports = NodeProcess.freePorts(2 * NODES);
        for (int i = 0; i < NODES; i++) addrs.add("127.0.0.1:" + ports[i]);
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < NODES; i++) peers.append(i == 0 ? "" : ",").append(i + 1).append('=').append(addrs.get(i));
        for (int i = 0; i < NODES; i++) {
            String http = "127.0.0.1:" + ports[NODES + i];
            httpPages.add("http://" + http);
            children.add(startNode(i + 1, addrs.get(i), peers.toString(), http));
        }
        for (NodeProcess child : children) awaitListening(child);
        return addrs;
    }

    private NodeProcess startNode(int id, String listen, String peers, String http) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvmFlags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvmFlags.add("-Xmx256m");
        NodeProcess node = new NodeProcess(new NodeProcessSpec(java, NodeProcessSpec.currentClassPath(), jvmFlags, id,
                dir.resolve("n" + id), listen, dir.resolve("n" + id + ".log"),
                NodeProcessSpec.insecure(List.of("--peers", peers, "--initial-ranges", Integer.toString(initialRanges),
                        "--http", http))));
        node.start();
        return node;
    }

    private void awaitListening(NodeProcess node) throws IOException, InterruptedException {
        try {
            node.awaitReady(Duration.ofMillis(START_TIMEOUT_MILLIS));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("node " + node.nodeId() + " did not start; see " + node.logFile()
                    + ": " + e.getMessage(), e);
        }
    }

    private void waitForLeaders(RangeClient client, List<String> addrs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (allLed(client, addrs)) {
                System.out.println("every range has a leader");
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("no leader for every range within " + START_TIMEOUT_MILLIS + " ms");
    }

    private boolean allLed(RangeClient client, List<String> addrs) {
        for (String a : addrs) {
            try {
                List<GroupStatus> st = StatusCommand.status(client, a).getGroupsList();
                if (st.size() < initialRanges + 1 || st.stream().anyMatch(g -> g.getLeader() == 0)) return false;
            } catch (KvException e) {
                return false;
            }
        }
        return true;
    }

    private synchronized void stopAll() {
        NodeProcess.stopAll(children, STOP_GRACE);
        children.clear();
        deleteTree(dir);
        dir = null;
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("conclave: could not delete " + root + ": " + e.getMessage());
        }
    }

    /** The interactive part: one command per line. */
    static final class DemoShell {
        private final RangeClient client;
        private final String statusHost;
        private final PrintStream out;

        DemoShell(RangeClient client, String statusHost, PrintStream out) {
            this.client = client;
            this.statusHost = statusHost;
            this.out = out;
        }

        void run(BufferedReader in) throws IOException {
            out.println("Conclave KV shell. The SQL shell comes with the SQL layer; type 'help' for commands.");
            while (true) {
                out.print("conclave> ");
                out.flush();
                String line = in.readLine();
                if (line == null || !execute(line.trim())) {
                    out.println();
                    out.println("stopping the cluster");
                    return;
                }
            }
        }

        /** Returns false when the shell should end. */
        boolean execute(String line) {
            String[] w = line.isEmpty() ? new String[0] : line.split("\\s+", 3);
            try {
                return dispatch(w);
            } catch (KvException e) {
                out.println("error: " + e.code() + ": " + e.getMessage());
                return true;
            } catch (RuntimeException e) {
                out.println("error: " + e.getMessage());
                return true;
            }
        }

        private boolean dispatch(String[] w) {
            if (w.length == 0) return true;
            switch (w[0]) {
                case "quit", "exit" -> {
                    return false;
                }
                case "help" -> help();
                case "put" -> {
                    if (w.length < 3) return usage("put KEY VALUE");
                    client.put(utf8(w[1]), utf8(w[2]));
                    out.println("OK");
                }
                case "get" -> {
                    if (w.length != 2) return usage("get KEY");
                    out.println(client.get(utf8(w[1])).map(DemoShell::text).orElse("(not found)"));
                }
                case "del" -> {
                    if (w.length != 2) return usage("del KEY");
                    client.delete(utf8(w[1]));
                    out.println("OK");
                }
                case "scan" -> scan(w);
                case "split" -> {
                    if (w.length != 2) return usage("split KEY");
                    SplitResult r = client.split(utf8(w[1]));
                    out.println("left:  " + RangesCommand.describe(r.left()));
                    out.println("right: " + RangesCommand.describe(r.right()));
                }
                case "ranges" -> {
                    for (RangeDescriptor d : client.allRanges()) out.println(RangesCommand.describe(d));
                }
                case "status" -> StatusCommand.print(StatusCommand.status(client, statusHost).getGroupsList(), out);
                default -> out.println("unknown command '" + w[0] + "'; type 'help'");
            }
            return true;
        }

        private void scan(String[] w) {
            byte[] from = w.length > 1 ? utf8(w[1]) : Keys.USER_START;
            byte[] to = w.length > 2 ? utf8(w[2].trim()) : Keys.KEY_MAX;
            List<KeyValue> rows = client.scan(from, to, 100);
            for (KeyValue r : rows) out.println(text(r.key()) + " = " + text(r.value()));
            out.println("(" + rows.size() + " rows)");
        }

        private boolean usage(String u) {
            out.println("usage: " + u);
            return true;
        }

        private void help() {
            out.println("put KEY VALUE      write a key");
            out.println("get KEY            read a key (at its leaseholder: sees every acknowledged write)");
            out.println("del KEY            delete a key");
            out.println("scan [FROM [TO]]   list keys in [FROM, TO), at most 100, across ranges");
            out.println("split KEY          split the range holding KEY at KEY");
            out.println("ranges             every range: id, span, replicas, generation");
            out.println("status             every range replica as node 1 sees it");
            out.println("quit               stop the cluster and leave (also Ctrl-D, Ctrl-C)");
            out.println("SQL is not here yet: the SQL shell comes with the SQL layer.");
        }

        static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        static String text(byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
