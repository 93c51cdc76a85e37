package io.conclave.bench.txn;

import io.conclave.bench.BenchCluster;
import io.conclave.bench.BenchMain;
import io.conclave.bench.LocalClusterOptions;
import io.conclave.bench.ycsb.HostLoad;
import io.conclave.bench.ycsb.OpSummary;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench txn}: read-write transactions against a local 3-node cluster (fsync on):
 * single-range (1PC), two-range (record, prepares, commit) and zipfian-contended, each with
 * commit-wait on and off, side by side. Prints one Markdown table (transactions/s, latency and its
 * phases from {@code TxnStats}) and writes it to {@code --out}.
 */
@Command(name = "txn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Transactions/s and p50/p99 latency (with reads, prepare, commit and commit-wait split out) of"
                + " single-range, two-range and zipfian-contended read-write transactions on a local 3-node cluster,"
                + " commit-wait on and off.",
        footer = {"", "Example:", "  conclave bench txn --threads 16 --duration 20s --keys 10000 --ranges 8 --out results/txn"})
public final class TxnBenchCommand implements Callable<Integer> {
    enum CommitWaitChoice { both, on, off }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", defaultValue = "16", description = "Client threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--duration", defaultValue = "20s", converter = BenchMain.DurationConverter.class,
            description = "Measured window of each phase. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "5s", converter = BenchMain.DurationConverter.class,
            description = "Load before each measured window, not counted. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--keys", defaultValue = "10000", description = "Keys, spread round-robin over the ranges. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--ranges", defaultValue = "8", description = "User ranges the cluster starts with. Default: ${DEFAULT-VALUE}.")
    int ranges;

    @Option(names = "--scenarios", split = ",", defaultValue = "single,two,zipf",
            description = "Which of single, two, zipf to run. Default: ${DEFAULT-VALUE}.")
    List<TxnBench.Scenario> scenarios;

    @Option(names = "--commit-wait", defaultValue = "both", description = "both, on or off. Default: ${DEFAULT-VALUE}.")
    CommitWaitChoice commitWait;

    @Option(names = "--out", description = "Directory to write txn-bench.md into (created if missing).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the key choices. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Mixin
    LocalClusterOptions local;

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.println("machine: nproc=" + Runtime.getRuntime().availableProcessors() + ", java "
                + System.getProperty("java.runtime.version") + ", " + Instant.now() + ", load average " + HostLoad.loadAverages());
        System.out.println("starting 3 Conclave nodes on 127.0.0.1 (fsync on, " + ranges + " user ranges) ...");
        List<String> rows = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        try (BenchCluster cluster = local.start(ranges);
                RangeClient client = Clients.connect(cluster.addresses(), LocalClusterOptions.CLIENT);
                TxnClient withWait = new TxnClient(client, settings(true));
                TxnClient withoutWait = new TxnClient(client, settings(false))) {
            TxnBench bench = TxnBench.load(client, keys);
            System.out.println("loaded " + keys + " keys over " + bench.rangeCount() + " user ranges");
            System.out.println(header());
            long phaseSeed = seed;
            for (TxnBench.Scenario scenario : EnumSet.copyOf(scenarios)) {
                for (boolean wait : waits()) {
                    TxnBench.PhaseResult r = bench.run(scenario, wait, wait ? withWait : withoutWait, threads,
                            warmup.toNanos(), duration.toNanos(), phaseSeed++);
                    String row = row(r);
                    rows.add(row);
                    System.out.println(row);
                    r.errorSamples().forEach((kind, message) -> samples.add("- " + scenario + ", commit-wait "
                            + (wait ? "on" : "off") + ", " + kind + ": " + message));
                }
            }
        }
        String report = report(rows, samples);
        System.out.println();
        System.out.println(report);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("txn-bench.md"), report, StandardCharsets.UTF_8);
            System.out.println("wrote " + out.resolve("txn-bench.md"));
        }
        return 0;
    }

    private static TxnSettings settings(boolean commitWait) {
        return TxnSettings.builder().commitWait(commitWait).deadline(Duration.ofSeconds(10)).build();
    }

    private List<Boolean> waits() {
        return switch (commitWait) {
            case both -> List.of(true, false);
            case on -> List.of(true);
            case off -> List.of(false);
        };
    }

    private void validate() {
        if (threads < 1 || threads > 1_024) throw bad("--threads must be in [1, 1024], was " + threads);
        if (keys < 2 || keys > TxnBench.MAX_KEYS) throw bad("--keys must be in [2, " + TxnBench.MAX_KEYS + "], was " + keys);
        if (ranges < 1 || ranges > 10_000) throw bad("--ranges must be in [1, 10000], was " + ranges);
        if (duration.isZero() || duration.isNegative()) throw bad("--duration must be positive");
        if (warmup.isNegative()) throw bad("--warmup must not be negative");
        if (scenarios.isEmpty()) throw bad("--scenarios names none of single, two, zipf");
        Set<TxnBench.Scenario> twoRange = EnumSet.of(TxnBench.Scenario.two, TxnBench.Scenario.zipf);
        if (ranges < 2 && scenarios.stream().anyMatch(twoRange::contains)) {
            throw bad("the two and zipf scenarios need --ranges >= 2 (their keys fall in two ranges)");
        }
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private String report(List<String> rows, List<String> errorSamples) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Transactions: 3 nodes on 127.0.0.1, fsync on, %d user ranges, %d keys,"
                + " %d threads, %.1f s warm-up + %.1f s measured per row; load average at end: %s%n%n", ranges, keys,
                threads, warmup.toMillis() / 1000.0, duration.toMillis() / 1000.0, HostLoad.loadAverages()));
        b.append(header()).append('\n');
        rows.forEach(r -> b.append(r).append('\n'));
        b.append("\nLatencies in ms, begin to acknowledgement (retries included); reads, prepare, commit and"
                + " commit-wait are the final attempt's phases as TxnStats reports them. 1PC: share of committed"
                + " transactions that took one Raft write. Retries: restarts per committed transaction.\n");
        if (!errorSamples.isEmpty()) {
            b.append("\nFailed transactions, the first message of each kind:\n");
            errorSamples.forEach(line -> b.append(line).append('\n'));
        }
        return b.toString();
    }

    static String header() {
        return "| scenario | commit-wait | txn/s | p50 | p99 | reads p50/p99 | prepare p50/p99 | commit p50/p99"
                + " | commit-wait p50/p99 | 1PC | retries/txn | errors |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";
    }

    static String row(TxnBench.PhaseResult r) {
        OpSummary total = summary(r.scenario().name(), r.total(), r.seconds());
        double onePhaseShare = r.committed() == 0 ? 0 : 100.0 * r.onePhase() / r.committed();
        double retriesPerTxn = r.committed() == 0 ? 0 : (double) r.retries() / r.committed();
        return String.format(Locale.ROOT, "| %s | %s | %.0f | %.1f | %.1f | %s | %s | %s | %s | %.0f%% | %.2f | %s |",
                r.scenario(), r.commitWait() ? "on" : "off", r.txnPerSecond(), ms(total.p50Micros()), ms(total.p99Micros()),
                pair(r.reads()), pair(r.prepare()), pair(r.commit()), pair(r.commitWaitMicros()), onePhaseShare,
                retriesPerTxn, r.errors().isEmpty() ? "none" : r.errors().toString());
    }

    private static OpSummary summary(String label, Histogram h, double seconds) {
        return new OpSummary(label, h.getTotalCount(), seconds > 0 ? h.getTotalCount() / seconds : 0, h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private static String pair(Histogram h) {
        if (h.getTotalCount() == 0) return "-";
        return String.format(Locale.ROOT, "%.1f / %.1f", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

}
