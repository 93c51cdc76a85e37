package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks {@code testdata/offset_guard.txt}: commands drive a {@link RemoteClockMonitor}, and each
 * {@code check} or {@code offsets} is followed by {@code ----} and the expected output.
 */
class OffsetGuardScenariosTest {
    private ManualClock clock;
    private RemoteClockMonitor monitor;

    @TestFactory
    List<DynamicTest> offsetGuardScenarios() throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/testdata/offset_guard.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNumber = i + 1;
            if (i + 1 < lines.size() && lines.get(i + 1).strip().equals("----")) {
                List<String> expected = new ArrayList<>();
                i += 2;
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    expected.add(lines.get(i).strip());
                    i++;
                }
                String command = line;
                // Each expectation runs in file order, after the commands before it.
                tests.add(DynamicTest.dynamicTest("line " + lineNumber + ": " + command,
                        () -> assertEquals(String.join("\n", expected), run(command),
                                "offset_guard.txt line " + lineNumber)));
            } else {
                String command = line;
                tests.add(DynamicTest.dynamicTest("line " + lineNumber + ": " + command, () -> run(command)));
            }
        }
        return tests;
    }

    private String run(String line) {
        String[] words = line.split("\\s+");
        Map<String, String> args = new HashMap<>();
        for (int w = 1; w < words.length; w++) {
            String[] kv = words[w].split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        switch (words[0]) {
            case "monitor":
                clock = new ManualClock(0);
                long ttl = args.containsKey("ttl") ? ClockDurations.parse(args.get("ttl"))
                        : RemoteClockMonitor.DEFAULT_MEASUREMENT_TTL_NANOS;
                monitor = new RemoteClockMonitor(Long.parseLong(args.get("self")), clock,
                        ClockDurations.parse(args.get("max-offset")), ttl);
                return "";
            case "measure":
                monitor.recordMeasurement(Long.parseLong(args.get("node")), ClockDurations.parse(args.get("offset")),
                        ClockDurations.parse(args.get("rtt")), clock.nowNanos());
                return "";
            case "advance":
                clock.advance(ClockDurations.parse(args.get("by")));
                return "";
            case "check":
                Set<Long> live = new LinkedHashSet<>();
                for (String id : args.get("live").split(",")) {
                    live.add(Long.parseLong(id));
                }
                RemoteClockMonitor.Verdict verdict = monitor.check(live);
                return verdict.fatal() ? "fatal: " + verdict.message() : "healthy";
            case "offsets":
                return monitor.offsets().values().stream().map(OffsetMeasurement::toString)
                        .collect(Collectors.joining("\n"));
            default:
                throw new IllegalArgumentException("unknown command: " + line);
        }
    }
}
