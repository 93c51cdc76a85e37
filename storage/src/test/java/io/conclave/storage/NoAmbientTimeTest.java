package io.conclave.storage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's logic reads no clock and no unseeded randomness: time is an injected ticker used
 * only for latency statistics. The allowed lines are the default ticker and the probe tool.
 */
class NoAmbientTimeTest {
    private static final Pattern FORBIDDEN =
            Pattern.compile("System(\\.|::)currentTimeMillis|System(\\.|::)nanoTime|Instant(\\.|::)now"
                    + "|new Random\\(|Thread\\.sleep|Math(\\.|::)random|LocalDateTime(\\.|::)now");
    /** File name to the number of uses it may have, each explained where it occurs. */
    private static final Map<String, Integer> ALLOWED = Map.of("Store.java", 1, "StoreFsyncProbe.java", 3);

    @Test
    void mainSourcesUseNoAmbientTimeOrRandomness() throws IOException {
        Path sources = Path.of("src/main/java/io/conclave/storage");
        assertTrue(Files.isDirectory(sources), "run from the storage module: " + Path.of("").toAbsolutePath());
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                long uses = lines.stream().filter(l -> FORBIDDEN.matcher(l).find()).count();
                int allowed = ALLOWED.getOrDefault(file.getFileName().toString(), 0);
                if (uses > allowed) violations.add(file.getFileName() + ": " + uses + " uses, " + allowed + " allowed");
            }
        }
        assertEquals(List.of(), violations);
    }
}
