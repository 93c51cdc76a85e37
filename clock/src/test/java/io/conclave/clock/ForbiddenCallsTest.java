package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the clock core deterministic: only the documented edges may read real time, sleep or
 * create unseeded randomness.
 */
class ForbiddenCallsTest {
    private static final List<String> FORBIDDEN = List.of(
            "System.currentTimeMillis", "System.nanoTime", "Instant.now", "new Random(", "Thread.sleep",
            "Clock.system", "LocalDateTime.now", "Math.random");
    /** SystemClock reads the real clock; ExecutorScheduler waits on real threads. */
    private static final Set<String> EDGES = Set.of("SystemClock.java", "ExecutorScheduler.java");

    @Test
    void coreSourcesDoNotReadRealTimeOrSleep() throws IOException {
        Path sources = Path.of("src/main/java/io/conclave/clock");
        assertTrue(Files.isDirectory(sources), "run from the clock module: " + sources.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (EDGES.contains(file.getFileName().toString())) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (String call : FORBIDDEN) {
                        if (lines.get(i).contains(call)) {
                            violations.add(file.getFileName() + ":" + (i + 1) + " uses " + call);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
