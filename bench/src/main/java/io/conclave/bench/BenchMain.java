package io.conclave.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench ...}: load generators against a Conclave cluster they start themselves.
 * Verbs: {@code raft} (the consensus layer under a put-only load, with fsync on), {@code ycsb},
 * {@code txn} (transactions) and {@code sql-vs-kv} (SQL statements against the KV calls they make).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.RaftCommand.class, io.conclave.bench.ycsb.YcsbCommand.class,
        io.conclave.bench.txn.TxnBenchCommand.class, io.conclave.bench.sql.SqlVsKvCommand.class},
        description = "Load generators and latency measurement for Conclave.")
public final class BenchMain implements Callable<Integer> {
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setParameterExceptionHandler((e, a) -> {
            System.err.println("bench: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    @Command(name = "raft", mixinStandardHelpOptions = true,
            description = "Start 3 node JVMs on 127.0.0.1 (fsync on) and measure Raft commit throughput,"
                    + " latency and idle CPU.")
    static final class RaftCommand implements Callable<Integer> {
        enum Scenario { single, groups, idle, all }

        @Option(names = "--scenario", defaultValue = "all",
                description = "single (1 group under load), groups (many groups, same load), idle (idle groups CPU), all."
                        + " Default: ${DEFAULT-VALUE}.")
        Scenario scenario;

        @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
                description = "Measured window of each load scenario (not counting warm-up). Default: ${DEFAULT-VALUE}.")
        Duration duration;

        // 30 s: with 5 s, the node JVMs' JIT compiler still took a third of their CPU during the
        // measured window (a profile of the single-group load), and the figure was that of a JVM
        // warming up, 10-30% under its steady state.
        @Option(names = "--warmup", defaultValue = "30s", converter = DurationConverter.class,
                description = "Load before the measured window, not counted; the node JVMs' JIT compiler is busy"
                        + " for the first 20-30 s of load. Default: ${DEFAULT-VALUE}.")
        Duration warmup;

        @Option(names = "--idle-window", defaultValue = "20s", converter = DurationConverter.class,
                description = "CPU sampling window of the idle scenario. Default: ${DEFAULT-VALUE}.")
        Duration idleWindow;

        @Option(names = "--proposers", defaultValue = "64",
                description = "Puts kept in flight at all times. Default: ${DEFAULT-VALUE}.")
        int proposers;

        @Option(names = "--entry-bytes", defaultValue = "1024", description = "Value size of each put. Default: ${DEFAULT-VALUE}.")
        int entryBytes;

        @Option(names = "--groups", defaultValue = "1000", description = "Groups of the 'groups' scenario. Default: ${DEFAULT-VALUE}.")
        int groups;

        @Option(names = "--idle-groups", defaultValue = "10000",
                description = "Groups of the 'idle' scenario. Default: ${DEFAULT-VALUE}.")
        int idleGroups;

        @Option(names = "--leader-timeout", defaultValue = "180s", converter = DurationConverter.class,
                description = "How long to wait for every group to elect a leader. Default: ${DEFAULT-VALUE}.")
        Duration leaderTimeout;

        @Option(names = "--node-jvm-flags", defaultValue = "-Xms512m -Xmx1g -XX:+UseSerialGC",
                description = "Heap and GC flags of each node JVM (space separated; {node} becomes the node id)."
                        + " Default: ${DEFAULT-VALUE}.")
        String nodeJvmFlags;

        // The scenarios fix the number of ranges; the maintenance loop would split a busy range
        // by load and rebalance leases mid-measurement, so the benchmark turns it off.
        @Option(names = "--node-flags", defaultValue = "--maintenance false",
                description = "Flags for each node's 'start' verb (space separated). Default: ${DEFAULT-VALUE}"
                        + " (a fixed set of ranges: no automatic splits or rebalancing while measuring).")
        String nodeFlags;

        @Option(names = "--temp-dir", description = "Parent directory of the stores. Default: java.io.tmpdir.")
        Path tempDir;

        @Option(names = "--client", defaultValue = "routing",
                description = "routing: asynchronous, sends each put to its group's leader; kvclient: the blocking"
                        + " RangeClient (range cache, leaseholder routing) on one thread per proposer."
                        + " Default: ${DEFAULT-VALUE}.")
        KvClientAccess.Writer client;

        @Option(names = "--keys", defaultValue = "scattered",
                description = "scattered: keys spread evenly over the keyspace, so nearly every put writes a B-tree"
                        + " leaf of its own (the store's worst case); ascending: keys that increase within each"
                        + " range, as time-ordered keys do. Default: ${DEFAULT-VALUE}.")
        String keys;

        @Option(names = "--keep", description = "Keep each scenario's stores and node logs (the path is printed).")
        boolean keep;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the value bytes. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() throws Exception {
            validate();
            Path parent = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(parent);
            System.out.println(MachineInfo.current().describe());
            List<String> jvmFlags = new ArrayList<>(List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED",
                    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
            jvmFlags.addAll(split(nodeJvmFlags));
            System.out.println("node JVM flags: " + String.join(" ", jvmFlags) + "; client: " + client);
            printFsyncBaseline(parent);
            RaftBench.Settings settings = new RaftBench.Settings(warmup.toNanos(), duration.toNanos(), idleWindow.toNanos(),
                    proposers, entryBytes, groups, idleGroups, leaderTimeout.toNanos(), jvmFlags, split(nodeFlags), parent,
                    seed, keep, LoadGenerator.KeyOrder.valueOf(keys.toUpperCase(Locale.ROOT)));
            RaftBench bench = new RaftBench(settings, new KvClientAccess(client));
            List<String> rows = new ArrayList<>();
            if (scenario == Scenario.single || scenario == Scenario.all) {
                rows.add(attempt("single", () -> RaftBench.formatLoad(bench.runLoad("single", 1))));
            }
            if (scenario == Scenario.groups || scenario == Scenario.all) {
                rows.add(attempt("groups", () -> RaftBench.formatLoad(bench.runLoad("groups", groups))));
            }
            String idleRow = null;
            if (scenario == Scenario.idle || scenario == Scenario.all) {
                idleRow = attempt("idle", () -> RaftBench.formatIdle(bench.runIdle(idleGroups)));
            }
            printFsyncBaseline(parent);
            printTable(rows, idleRow);
            boolean failed = rows.stream().anyMatch(r -> r.contains("FAILED")) || (idleRow != null && idleRow.contains("FAILED"));
            return failed ? 1 : 0;
        }

        /** Runs one scenario; a scenario that fails becomes a row saying why, and the others still run. */
        private static String attempt(String name, Callable<String> scenarioRun) {
            String row;
            try {
                row = scenarioRun.call();
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                row = "| " + name + " | FAILED: " + message + " |";
            }
            System.out.println(row);
            return row;
        }

        private void validate() {
            if (!keys.equals("scattered") && !keys.equals("ascending")) {
                throw bad("--keys must be scattered or ascending, was " + keys);
            }
            if (proposers < 1 || proposers > 10_000) throw bad("--proposers must be in [1, 10000], was " + proposers);
            if (entryBytes < 1 || entryBytes > (1 << 20)) throw bad("--entry-bytes must be in [1, 1048576], was " + entryBytes);
            if (groups < 1 || groups > 100_000) throw bad("--groups must be in [1, 100000], was " + groups);
            if (idleGroups < 1 || idleGroups > 100_000) throw bad("--idle-groups must be in [1, 100000], was " + idleGroups);
            if (duration.isZero() || duration.isNegative()) throw bad("--duration must be positive");
            if (idleWindow.isZero() || idleWindow.isNegative()) throw bad("--idle-window must be positive");
        }

        private CommandLine.ParameterException bad(String message) {
            return new CommandLine.ParameterException(new CommandLine(this), message);
        }

        private void printTable(List<String> loadRows, String idleRow) {
            System.out.println();
            System.out.printf(Locale.ROOT, "Raft benchmark: 3 nodes on 127.0.0.1, fsync on, %d proposers, %d-byte values,"
                    + " %s warm-up, %s measured%n", proposers, entryBytes, warmup, duration);
            if (!loadRows.isEmpty()) {
                System.out.println(RaftBench.loadHeader());
                loadRows.forEach(System.out::println);
            }
            if (idleRow != null) System.out.println(idleRow);
            System.out.println("(CPU from /proc/PID/stat utime+stime at " + ProcessCpu.CLOCK_TICKS_PER_SECOND
                    + " ticks/s; 'client' is this benchmark JVM; load average at end: " + MachineInfo.loadAverage() + ")");
        }

        private static void printFsyncBaseline(Path dir) throws Exception {
            FsyncBaseline.Result r = FsyncBaseline.measure(dir, Duration.ofSeconds(2).toNanos());
            System.out.printf(Locale.ROOT, "fdatasync baseline (%d B write + force(false), 2 s in %s): %.0f syncs/s,"
                    + " p50 %.3f ms, p99 %.3f ms%n", FsyncBaseline.WRITE_BYTES, dir, r.syncsPerSecond(),
                    r.latencyNanos().getValueAtPercentile(50) / 1e6, r.latencyNanos().getValueAtPercentile(99) / 1e6);
        }

        private static List<String> split(String flags) {
            return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
    }

    /** Durations as people type them: {@code 500ms}, {@code 20s}, {@code 2m}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                if (v.endsWith("s")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 500ms, 20s or 2m");
        }
    }
}
