package io.conclave.bench;

import io.conclave.range.client.RangeClientSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of a benchmark that starts its own 3-node cluster with a fixed set of ranges
 * (`bench txn`, `bench sql-vs-kv`), shared as a picocli mixin so the verbs name and document them
 * the same way.
 */
public final class LocalClusterOptions {
    /** The benchmarks' range client: an overloaded cluster shows as latency, a dead one as errors within 10 s. */
    public static final RangeClientSettings CLIENT = new RangeClientSettings(Duration.ofSeconds(3),
            Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMillis(200), 64);

    @Option(names = "--node-jvm-flags", defaultValue = "-Xms256m -Xmx512m -XX:+UseSerialGC",
            description = "Heap and GC flags of each node JVM (space separated). Default: ${DEFAULT-VALUE}.")
    private String nodeJvmFlags;

    // A fixed set of ranges: no load-based split or lease rebalancing in the middle of a phase.
    @Option(names = "--node-flags", defaultValue = "--maintenance false",
            description = "Flags for each node's 'start' verb (space separated). Default: ${DEFAULT-VALUE}.")
    private String nodeFlags;

    @Option(names = "--temp-dir", description = "Parent directory of the stores. Default: java.io.tmpdir.")
    private Path tempDir;

    @Option(names = "--keep", description = "Keep the stores and node logs (the path is printed).")
    private boolean keep;

    /** Starts 3 node JVMs with {@code initialRanges} user ranges, as the options say. */
    public BenchCluster start(int initialRanges) throws IOException, InterruptedException {
        Path parent = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
        return BenchCluster.start(parent, 3, initialRanges, words(nodeJvmFlags), words(nodeFlags), keep);
    }

    private static List<String> words(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
