package io.conclave.tests.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pieces of a run that need no cluster: the timeline page, the CI selection, the options. */
final class TimelineTest {
    @Test
    void theTimelineDrawsEveryOperationAndFaultAndEscapesText() {
        HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
        EventLog log = new EventLog(System.nanoTime(), "test");
        HistoryRecorder.Handle a = recorder.invoke(0, "write", List.of("k", 1L));
        long fault = log.start("partition", "isolate node <1>");
        recorder.ok(a);
        HistoryRecorder.Handle b = recorder.invoke(1, "read", java.util.Arrays.asList("k", null));
        log.end("partition", fault, "healed");
        recorder.info(b, "timeout & gone");
        log.point("moves", "lease of range 2 to node 3");
        History history = recorder.history();
        NemesisRun.Result result = new NemesisRun.Result(options(), Verdict.of(true, "VALID", "all \"fine\""), List.of(),
                history.calls().size(), 1, 0, "ok=1", 10, Path.of("x"));

        String html = Timeline.html(result, history, log);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertEquals(2, count(html, "class=\"o "), html);
        assertEquals(1, count(html, "class=\"o ok\""), html);
        assertEquals(1, count(html, "class=\"o info\""), html);
        assertEquals(1, count(html, "class=\"f\""), html);
        assertEquals(1, count(html, "class=\"p\""), html);
        assertTrue(html.contains("isolate node &lt;1&gt;") && html.contains("timeout &amp; gone")
                && html.contains("all &quot;fine&quot;"), html);
        assertFalse(html.contains("<1>"), html);
        assertFalse(html.contains("<script"), "the page must need no script");
        assertTrue(html.contains("class=\"x\"") && html.contains(">0 s</div>"), "a time axis from 0 s");
        assertEquals(1, Timeline.axisStepSeconds(15));
        assertEquals(15, Timeline.axisStepSeconds(240));
        assertEquals(30, Timeline.axisStepSeconds(500));
        assertEquals(3600, Timeline.axisStepSeconds(7200 * 10));
    }

    @Test
    void overlappingFaultsAreStackedAndAThirdReusesTheFreedLevel() {
        EventLog log = new EventLog(System.nanoTime(), "t");
        long partition = log.start("partition", "isolate node 1");
        long pause = log.start("pause", "kill -STOP node 1");
        log.point("moves", "split");
        log.end("partition", partition, "healed");
        long kill = log.start("kill", "kill -9 node 2");
        log.end("pause", pause, "kill -CONT node 1");
        log.end("kill", kill, "restarted");
        long clock = log.start("clock", "clock of node 3 +50 ms");
        assertEquals(java.util.Map.of(partition, 0, pause, 1, kill, 0, clock, 0), Timeline.levels(log.events()));
    }

    @Test
    void theOverlapRuleKeepsAMajorityUpAndConnectedAndOneHolderPerDownNode() {
        ClusterFaults.Claim isolate1 = new ClusterFaults.Claim(Set.of(1L), Set.of());
        ClusterFaults.Claim pause1 = new ClusterFaults.Claim(Set.of(1L), Set.of(1L));
        ClusterFaults.Claim kill1 = new ClusterFaults.Claim(Set.of(1L), Set.of(1L));
        ClusterFaults.Claim kill2 = new ClusterFaults.Claim(Set.of(2L), Set.of(2L));
        ClusterFaults.Claim clockWithin = new ClusterFaults.Claim(Set.of(), Set.of());
        ClusterFaults.Claim minority12 = new ClusterFaults.Claim(Set.of(1L, 2L), Set.of());
        ClusterFaults.Claim kill3 = new ClusterFaults.Claim(Set.of(3L), Set.of(3L));
        // 3 nodes: only a fault on the node already out, or one that takes nothing out.
        assertTrue(ClusterFaults.admits(3, List.of(), isolate1));
        assertFalse(ClusterFaults.admits(3, List.of(), minority12));
        assertTrue(ClusterFaults.admits(3, List.of(isolate1), pause1));
        assertTrue(ClusterFaults.admits(3, List.of(kill2), clockWithin));
        assertFalse(ClusterFaults.admits(3, List.of(isolate1), kill2));
        assertFalse(ClusterFaults.admits(3, List.of(pause1), kill1), "node 1 held down twice");
        // 5 nodes: two nodes may be out, whichever faults take them.
        assertTrue(ClusterFaults.admits(5, List.of(isolate1), kill2));
        assertTrue(ClusterFaults.admits(5, List.of(minority12), kill1));
        assertFalse(ClusterFaults.admits(5, List.of(minority12), kill3));
        assertThrows(IllegalArgumentException.class, () -> new ClusterFaults.Claim(Set.of(), Set.of(1L)));
    }

    @Test
    void everyCiSelectionUsesAllFiveNemesesTwoPerRun() {
        for (long seed = 0; seed < 200; seed++) {
            List<String> runs = NemesisSuiteTest.selection(new SplittableRandom(seed));
            assertEquals(NemesisSuiteTest.WORKLOADS.size(), runs.size());
            Set<String> used = new HashSet<>();
            for (String run : runs) {
                List<String> names = List.of(run.split(","));
                assertEquals(NemesisSuiteTest.NEMESES_PER_RUN, new HashSet<>(names).size(), run);
                used.addAll(names);
            }
            assertEquals(Set.copyOf(Nemeses.NAMES), used, "seed " + seed + ": " + runs);
        }
    }

    @Test
    void optionsAndNemesisNamesAreValidated() {
        assertEquals(Duration.ofMinutes(10), RunOptions.parseTime("10m"));
        assertEquals(Duration.ofSeconds(90), RunOptions.parseTime("90"));
        assertThrows(IllegalArgumentException.class, () -> RunOptions.parseTime("ten"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new RunOptions("queue", "kill", Duration.ofSeconds(1), 1, 3, 1, Path.of("x"), false));
        assertTrue(unknown.getMessage().contains("bank, register, list-append, set"), unknown.getMessage());
        IllegalArgumentException badNemesis = assertThrows(IllegalArgumentException.class,
                () -> Nemeses.parse("kill,flood", List::of, null));
        assertTrue(badNemesis.getMessage().contains("unknown nemesis 'flood'"), badNemesis.getMessage());
        assertEquals(6, Nemeses.parse("all", List::of, null).size());
        assertEquals(0, Nemeses.parse("none", List::of, null).size());
    }

    private static RunOptions options() {
        return new RunOptions("register", "partition,moves", Duration.ofSeconds(1), 7, 3, 2, Path.of("target"), false);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }
}
