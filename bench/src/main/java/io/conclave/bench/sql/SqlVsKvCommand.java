package io.conclave.bench.sql;

import io.conclave.bench.BenchCluster;
import io.conclave.bench.BenchMain;
import io.conclave.bench.LocalClusterOptions;
import io.conclave.bench.ycsb.HostLoad;
import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave bench sql-vs-kv}; see the package documentation. */
@Command(name = "sql-vs-kv", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Point SELECT and INSERT statements/s through JDBC against TxnClient gets and puts of the same"
                + " keys, side by side on a local 3-node cluster; then a filtered scan of a split table with the filter"
                + " evaluated at the ranges and at the gateway.",
        footer = {"", "Example:", "  conclave bench sql-vs-kv --cluster local:3 --threads 8 --duration 10s --out results/sql"})
public final class SqlVsKvCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cluster", defaultValue = "local:3",
            description = "The cluster to start: local:3 (three node JVMs on 127.0.0.1). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--threads", defaultValue = "8", description = "Client threads of the point phases. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--duration", defaultValue = "10s", converter = BenchMain.DurationConverter.class,
            description = "Measured window of each point phase. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", converter = BenchMain.DurationConverter.class,
            description = "Load before each measured window, not counted. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--rows", defaultValue = "10000", description = "Rows of the point-read table. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Option(names = "--scan-rows", defaultValue = "20000", description = "Rows of the scanned table. Default: ${DEFAULT-VALUE}.")
    int scanRows;

    @Option(names = "--scan-ranges", defaultValue = "8", description = "Ranges the scanned table is split into. Default: ${DEFAULT-VALUE}.")
    int scanRanges;

    @Option(names = "--scan-queries", defaultValue = "30", description = "Timed queries per scan mode. Default: ${DEFAULT-VALUE}.")
    int scanQueries;

    @Option(names = "--commit-wait", defaultValue = "off", description = "on or off, for both sides. Default: ${DEFAULT-VALUE}.")
    String commitWait;

    @Option(names = "--out", description = "Directory to write sql-vs-kv.md into (created if missing).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the key choices. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Mixin
    LocalClusterOptions local;

    @Override
    public Integer call() throws Exception {
        validate();
        boolean wait = commitWait.equals("on");
        String machine = "nproc=" + Runtime.getRuntime().availableProcessors() + ", java "
                + System.getProperty("java.runtime.version") + ", " + Instant.now() + ", load average "
                + HostLoad.loadAverages();
        System.out.println("machine: " + machine);
        System.out.println("starting 3 Conclave nodes on 127.0.0.1 (fsync on) ...");
        List<SqlVsKv.PhaseResult> points = new ArrayList<>();
        List<SqlVsKv.ScanResult> scans = new ArrayList<>();
        try (BenchCluster nodes = local.start(1);
                RangeClient client = Clients.connect(nodes.addresses(), LocalClusterOptions.CLIENT);
                TxnClient kv = new TxnClient(client, TxnSettings.builder().commitWait(wait)
                        .deadline(Duration.ofSeconds(10)).build())) {
            SqlVsKv bench = new SqlVsKv(nodes.addresses(), kv, wait, seed);
            bench.load(rows, scanRows, scanRanges);
            System.out.println("loaded " + rows + " rows to read, " + scanRows + " rows to scan over " + scanRanges + " ranges");
            long w = warmup.toNanos();
            long d = duration.toNanos();
            for (SqlVsKv.Op op : SqlVsKv.Op.values()) {
                SqlVsKv.PhaseResult r = bench.run(op, threads, w, d);
                points.add(r);
                System.out.println(SqlVsKv.row(r));
            }
            for (boolean pushdown : List.of(true, false)) {
                SqlVsKv.ScanResult r = bench.scan(pushdown, scanQueries);
                scans.add(r);
                System.out.println(SqlVsKv.scanRow(r));
            }
        }
        String report = SqlVsKv.report(points, scans, threads, warmup, duration, rows, scanRows, scanRanges, wait,
                machine, HostLoad.loadAverages());
        System.out.println();
        System.out.println(report);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("sql-vs-kv.md"), report, StandardCharsets.UTF_8);
            System.out.println("wrote " + out.resolve("sql-vs-kv.md"));
        }
        return 0;
    }

    private void validate() {
        if (!cluster.equals("local:3")) throw bad("--cluster: only local:3 is supported, was " + cluster);
        if (threads < 1 || threads > 256) throw bad("--threads must be in [1, 256], was " + threads);
        if (rows < 1 || rows > SqlVsKv.MAX_ROWS) throw bad("--rows must be in [1, " + SqlVsKv.MAX_ROWS + "], was " + rows);
        if (scanRows < 100 || scanRows > SqlVsKv.MAX_ROWS) {
            throw bad("--scan-rows must be in [100, " + SqlVsKv.MAX_ROWS + "], was " + scanRows);
        }
        if (scanRanges < 1 || scanRanges > 64) throw bad("--scan-ranges must be in [1, 64], was " + scanRanges);
        if (scanQueries < 1 || scanQueries > 10_000) throw bad("--scan-queries must be in [1, 10000], was " + scanQueries);
        if (!commitWait.equals("on") && !commitWait.equals("off")) throw bad("--commit-wait must be on or off");
        if (duration.isZero() || duration.isNegative()) throw bad("--duration must be positive");
        if (warmup.isNegative()) throw bad("--warmup must not be negative");
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
