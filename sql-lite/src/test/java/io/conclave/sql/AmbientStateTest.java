package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the engine free of ambient time and randomness: the only clock is the one SqlEngine's
 * convenience constructor injects. Also no Java {@code assert} (off by default).
 */
class AmbientStateTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "System\\.currentTimeMillis|System\\.nanoTime|System::nanoTime|Instant\\.now|new Random\\(|Thread\\.sleep|^\\s*assert\\s");
    private static final List<String> ALLOWED = List.of("SqlEngine.java:System::nanoTime");

    @Test
    void noAmbientClockOrRandomness() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Paths.get("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    var m = FORBIDDEN.matcher(lines.get(i));
                    if (m.find() && !ALLOWED.contains(file.getFileName() + ":" + m.group())) {
                        found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
