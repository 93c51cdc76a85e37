package io.conclave.tests.jepsen;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One long run, chosen by system properties ({@code tests/run-nemesis.sh} sets them): skipped
 * unless {@code -Dnemesis.workload} is given, so CI never runs it.
 *
 * <ul>
 *   <li>{@code nemesis.workload}: bank, register, list-append or set</li>
 *   <li>{@code nemesis.nemeses}: e.g. {@code kill,stop,pause,partition,clock,moves} (default all)</li>
 *   <li>{@code nemesis.time}: e.g. {@code 10m} (default 5m)</li>
 *   <li>{@code nemesis.seed}: replays a schedule (default: a fresh seed, printed)</li>
 *   <li>{@code nemesis.nodes}: 3 or 5 (default 3); {@code nemesis.workers} (default 8)</li>
 *   <li>{@code nemesis.results}: the results folder (default {@code target/nemesis})</li>
 *   <li>{@code nemesis.overlap}: {@code true} lets a second fault start while one is active</li>
 * </ul>
 */
final class NemesisLongRunTest {
    @Test
    void longRun() throws Exception {
        String workload = System.getProperty("nemesis.workload");
        Assumptions.assumeTrue(workload != null && !workload.isBlank(), "no -Dnemesis.workload: no long run asked for");
        RunOptions options = new RunOptions(workload, System.getProperty("nemesis.nemeses", "all"),
                RunOptions.parseTime(System.getProperty("nemesis.time", "5m")), NemesisSeeds.seed(),
                Integer.parseInt(System.getProperty("nemesis.nodes", "3")),
                Integer.parseInt(System.getProperty("nemesis.workers", "8")),
                Path.of(System.getProperty("nemesis.results", "target/nemesis")),
                Boolean.parseBoolean(System.getProperty("nemesis.overlap", "false")));
        NemesisRun.Result result = NemesisRun.run(options);
        assertFalse(result.failed(), result::summary);
    }
}
