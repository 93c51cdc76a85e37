package io.conclave.bench.ycsb;

import io.conclave.bench.BenchCluster;
import io.conclave.bench.BenchMain;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench ycsb}: YCSB's core workloads against a Conclave cluster (native KV client)
 * or any JDBC database. Every argument is checked, and the database reached, before the load
 * phase starts.
 */
@Command(name = "ycsb", mixinStandardHelpOptions = true, sortOptions = false,
        description = "YCSB core workloads (a..f or a YCSB properties file) with HdrHistogram latencies,"
                + " against conclave-kv://host:port,..., --cluster local:3, or any jdbc: URL.",
        footer = {"", "Examples:",
                "  conclave bench ycsb --workload a --cluster local:3 --records 100000 --threads 32 --duration 60s",
                "  conclave bench ycsb --workload c --target-db jdbc:postgresql://127.0.0.1:5432/ycsb"
                        + " --driver-jar postgresql.jar --create-table --out results/c"})
public final class YcsbCommand implements Callable<Integer> {
    enum Phase { load, run, both }

    static final class WorkloadChoice {
        @Option(names = "--workload", description = "Built-in workload: a, b, c, d, e or f (YCSB's defaults).")
        String builtin;

        @Option(names = "--workload-file", description = "A workload file in YCSB's properties format.")
        Path file;
    }

    static final class TargetChoice {
        @Option(names = "--target-db", description = "jdbc:... (any JDBC database) or conclave-kv://host:port[,host:port].")
        String url;

        @Option(names = "--cluster", description = "local:N starts N Conclave nodes on 127.0.0.1 for the run and stops them.")
        String cluster;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    WorkloadChoice workload;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TargetChoice target;

    @Option(names = {"-p", "--property"}, paramLabel = "NAME=VALUE",
            description = "Override a workload property, e.g. -p fieldcount=5.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--records", description = "Records to load (the workload's recordcount).")
    Long records;

    @Option(names = "--operations", description = "Measured operations to run instead of a duration.")
    long operations;

    @Option(names = "--duration", defaultValue = "60s", converter = BenchMain.DurationConverter.class,
            description = "Measured window after the warm-up. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = BenchMain.DurationConverter.class,
            description = "Load before the measured window, not counted. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--threads", defaultValue = "32", description = "Worker threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--target", defaultValue = "0",
            description = "Total operations per second to schedule (latency then counts from each operation's"
                    + " intended start); 0 runs as fast as the database answers. Default: ${DEFAULT-VALUE}.")
    double targetOps;

    @Option(names = "--phase", defaultValue = "both", description = "load, run or both. Default: ${DEFAULT-VALUE}.")
    Phase phase;

    @Option(names = "--load-threads", description = "Threads of the load phase. Default: --threads.")
    Integer loadThreads;

    @Option(names = "--batch-size", defaultValue = "100", description = "Records per load batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--create-table", description = "JDBC: drop and create the table before loading.")
    boolean createTable;

    @Option(names = "--driver-jar", description = "JDBC: the driver's jar, when it is not on the class path.")
    Path driverJar;

    @Option(names = "--db-user", description = "JDBC: user name.")
    String user;

    @Option(names = "--db-password", description = "JDBC: password.")
    String password;

    @Option(names = "--out", description = "Directory for summary.txt, summary.json, latency.hlog and report.html.")
    Path out;

    @Option(names = "--progress", defaultValue = "5s", converter = BenchMain.DurationConverter.class,
            description = "How often a progress line is printed. Default: ${DEFAULT-VALUE}.")
    Duration progress;

    @Option(names = "--seed", defaultValue = "1", description = "Root seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--retries", defaultValue = "0",
            description = "Times an operation runs again after a retryable failure (SQLSTATE class 40, a transient"
                    + " JDBC error, a KV timeout or ambiguous write); counted by kind. Default: ${DEFAULT-VALUE},"
                    + " as YCSB.")
    int retries;

    @Option(names = "--initial-ranges", defaultValue = "1",
            description = "--cluster: ranges the user keyspace is pre-split into at bootstrap. Default: ${DEFAULT-VALUE}.")
    int initialRanges;

    @Option(names = "--node-jvm-flags", defaultValue = "-Xms512m -Xmx1g -XX:+UseSerialGC",
            description = "--cluster: heap and GC flags of each node JVM. Default: ${DEFAULT-VALUE}.")
    String nodeJvmFlags;

    @Option(names = "--node-flags", defaultValue = "",
            description = "--cluster: extra flags for each node's 'start' verb (space separated), e.g."
                    + " '--maintenance false' to keep the ranges fixed while measuring.")
    String nodeFlags;

    @Option(names = "--temp-dir", description = "--cluster: parent directory of the stores. Default: java.io.tmpdir.")
    Path tempDir;

    @Option(names = "--via", defaultValue = "kv",
            description = "--cluster: drive the cluster through kv (the native range client) or sql (the JDBC driver,"
                    + " SQL on usertable). Default: ${DEFAULT-VALUE}.")
    String via;

    @Option(names = "--commit-wait", defaultValue = "on",
            description = "--cluster --via sql: the sessions' commit_wait (on: strict serializability). Default: ${DEFAULT-VALUE}.")
    String commitWait;

    @Option(names = "--keep", description = "--cluster: keep the stores and node logs.")
    boolean keep;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkloadConfig config = workloadConfig();
        RunSettings settings = runSettings();
        if (batchSize < 1 || batchSize > 10_000) throw bad("--batch-size must be in [1, 10000], was " + batchSize);
        int loaders = loadThreads == null ? threads : loadThreads;
        if (loaders < 1 || loaders > RunSettings.MAX_THREADS) throw bad("--load-threads must be in [1, 1024], was " + loaders);
        int clusterNodes = target.cluster == null ? 0 : parse(() -> parseNodeCount(target.cluster));
        if (clusterNodes > 0 && initialRanges < 1) throw bad("--initial-ranges must be >= 1, was " + initialRanges);
        if (target.url != null) parse(() -> checkUrl(target.url));
        if (!via.equals("kv") && !via.equals("sql")) throw bad("--via must be kv or sql, was " + via);
        if (!commitWait.equals("on") && !commitWait.equals("off")) {
            throw bad("--commit-wait must be on or off, was " + commitWait);
        }
        System.out.println(config.describe());
        if (!config.ignoredProperties().isEmpty()) {
            System.out.println("ignored properties (not part of YCSB's core workload): " + config.ignoredProperties());
        }
        System.out.println("seed " + seed + " (replay with --seed " + seed + ")");
        System.out.println(hostLine());
        BenchCluster cluster = null;
        try {
            if (clusterNodes > 0) {
                System.out.println("starting " + clusterNodes + " Conclave nodes on 127.0.0.1 ...");
                cluster = BenchCluster.start(tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir")),
                        clusterNodes, initialRanges, Arrays.stream(nodeJvmFlags.trim().split("\\s+")).filter(s -> !s.isEmpty())
                                .toList(), Arrays.stream(nodeFlags.trim().split("\\s+")).filter(s -> !s.isEmpty())
                                .toList(), keep);
            }
            try (TargetFactory factory = cluster != null ? clusterFactory(cluster, config) : factory(config)) {
                return runAll(config, settings, loaders, factory);
            }
        } catch (IllegalStateException e) {
            System.err.println("ycsb: " + e.getMessage());
            if (cluster != null) System.err.println(cluster.logTails(20));
            return 1;
        } finally {
            if (cluster != null) cluster.close();
        }
    }

    private int runAll(WorkloadConfig config, RunSettings settings, int loaders, TargetFactory factory) throws Exception {
        factory.check();
        System.out.println("target: " + factory.describe());
        if (createTable) factory.createTable(config);
        long expected = operations > 0 ? operations : targetOps > 0
                ? (long) (targetOps * (duration.toSeconds() + warmup.toSeconds())) : Math.max(config.operationCount(),
                config.recordCount());
        CoreWorkload core = new CoreWorkload(config, expected);
        Runner runner = new Runner(core, factory, BenchClock.SYSTEM, System.out);
        LoadResult load = null;
        if (phase != Phase.run) {
            System.out.printf(Locale.ROOT, "loading %,d records on %d threads in batches of %d ...%n",
                    config.insertCount(), loaders, batchSize);
            load = runner.load(loaders, batchSize, seed ^ 0x5DEECE66DL);
            System.out.printf(Locale.ROOT, "loaded %,d records in %.1f s (%,.0f records/s), errors %,d%n", load.records(),
                    load.seconds(), load.recordsPerSecond(), load.errorCount());
            if (load.records() == 0) {
                throw new IllegalStateException("the load phase wrote nothing: " + load.errors()
                        + (createTable ? "" : " (if the table does not exist, --create-table creates it)"));
            }
        }
        if (phase == Phase.load) return 0;
        RunResult run = runner.run(settings);
        System.out.println();
        System.out.print(Report.text(load, run));
        System.out.println(hostLine());
        if (out != null) {
            Report.write(out, load, run);
            System.out.println("results in " + out.toAbsolutePath());
        }
        return 0;
    }

    private WorkloadConfig workloadConfig() {
        Properties p;
        String source;
        if (workload.builtin != null) {
            p = parse(() -> WorkloadConfig.builtinProperties(workload.builtin));
            source = "workload " + workload.builtin.toLowerCase(Locale.ROOT);
        } else {
            p = parse(() -> WorkloadConfig.fileProperties(workload.file));
            source = "workload file " + workload.file;
        }
        p.putAll(properties);
        if (records != null) {
            p.setProperty("recordcount", Long.toString(records));
            if (!properties.containsKey("insertcount")) p.remove("insertcount");
        }
        return parse(() -> WorkloadConfig.parse(p, source));
    }

    private RunSettings runSettings() {
        long progressNanos = progress.toNanos();
        return parse(() -> new RunSettings(threads, targetOps, duration.toNanos(), operations, warmup.toNanos(),
                Math.min(1_000_000_000L, Math.max(1, progressNanos)), progressNanos, seed, retries));
    }

    /** A fresh cluster has no usertable: through SQL the run creates it. */
    private TargetFactory clusterFactory(BenchCluster cluster, WorkloadConfig config) throws SQLException {
        if (via.equals("kv")) return new KvTargetFactory(cluster.addresses());
        createTable = true;
        return new JdbcTarget.Factory("jdbc:conclave://" + String.join(",", cluster.addresses()) + "?commit_wait="
                + commitWait, user, password, null, config.fieldNames());
    }

    private TargetFactory factory(WorkloadConfig config) throws Exception {
        if (target.url.startsWith("jdbc:")) {
            return new JdbcTarget.Factory(target.url, user, password, driverJar, config.fieldNames());
        }
        return KvTargetFactory.fromUrl(target.url);
    }

    /**
     * The client shares this host with whatever else runs on it (the nodes too, with --cluster):
     * the core count and load average say how much of it a result had.
     */
    private static String hostLine() {
        return "host: " + Runtime.getRuntime().availableProcessors() + " cores, load average " + HostLoad.loadAverages();
    }

    /** Parses {@code --cluster local:N}; any other form is an error naming the accepted one. */
    static int parseNodeCount(String spec) {
        if (spec != null && spec.matches("local:\\d{1,2}")) {
            int n = Integer.parseInt(spec.substring("local:".length()));
            if (n >= 1 && n <= BenchCluster.MAX_NODES) return n;
        }
        throw new IllegalArgumentException("--cluster must be local:N with N in [1, " + BenchCluster.MAX_NODES
                + "], was " + spec);
    }

    private static void checkUrl(String url) {
        if (!url.startsWith("jdbc:") && !url.toLowerCase(Locale.ROOT).startsWith(KvTargetFactory.SCHEME)) {
            throw new IllegalArgumentException("--target-db must be a jdbc: URL or " + KvTargetFactory.SCHEME
                    + "host:port[,host:port], was " + url);
        }
    }

    private <T> T parse(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private void parse(Runnable step) {
        parse(() -> {
            step.run();
            return null;
        });
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Runs the command on its own (tests, and {@code java ... YcsbCommand}). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new YcsbCommand());
        cli.setParameterExceptionHandler((e, a) -> {
            System.err.println("ycsb: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
