package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DeterminismTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|new Random\\(|Thread\\.sleep|new Thread\\("
                    + "|Math\\.random|ThreadLocalRandom");

    @Test
    void coreReadsNoClockAndUsesNoUnseededRandomness() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) offenders.add(p + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertTrue(offenders.isEmpty(), "wall clock, threads or unseeded randomness in the raft core:\n"
                + String.join("\n", offenders));
    }

    @Test
    void sameSeedSameHistory() {
        assertEquals(history(), history());
    }

    private static String history() {
        Cluster c = Cluster.of(1, 2, 3, 4, 5);
        c.tickAll(60);
        c.propose(c.leader(), "x");
        StringBuilder sb = new StringBuilder();
        for (Message m : c.sent) sb.append(m).append('\n');
        return sb.toString();
    }
}
