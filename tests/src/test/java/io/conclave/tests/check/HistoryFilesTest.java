package io.conclave.tests.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the hand-written histories in {@code src/test/resources/check/*.edn}. Each file names its
 * checker ({@code ; checker: cas-register | list-append | list-append-strict}) and the expected
 * outcome ({@code ; expect: VALID | INVALID} for registers, {@code VALID} or the anomaly kinds,
 * space-separated, for list-append). A new case is a new file.
 */
class HistoryFilesTest {

    @TestFactory
    Stream<DynamicTest> historyFiles() throws IOException, URISyntaxException {
        URL dir = getClass().getClassLoader().getResource("check");
        assertNotNull(dir, "test resources directory check/ is missing");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(Path.of(dir.toURI()))) {
            listing.filter(p -> p.toString().endsWith(".edn")).sorted().forEach(files::add);
        }
        assertFalse(files.isEmpty());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    private static void run(Path file) throws IOException {
        String text = Files.readString(file);
        String checker = directive(text, "checker");
        String expect = directive(text, "expect");
        History history = History.parse(text);
        switch (checker) {
            case "cas-register" -> {
                LinearizabilityChecker.Result result = LinearizabilityChecker.check(history,
                        RegisterModel.casRegister(), LinearizabilityChecker.Budget.steps(100_000));
                assertEquals(expect, result.verdict().name(), result::toString);
            }
            case "list-append", "list-append-strict" -> {
                ListAppendChecker.Result result = ListAppendChecker.check(history, checker.endsWith("strict")
                        ? ListAppendChecker.Options.strictSerializable() : ListAppendChecker.Options.serializable());
                Set<String> kinds = expect.equals("VALID") ? Set.of() : new TreeSet<>(List.of(expect.split("\\s+")));
                assertEquals(kinds, result.counts().keySet(), result::toString);
            }
            default -> throw new IllegalArgumentException(file + ": unknown checker " + checker);
        }
    }

    private static String directive(String text, String name) {
        String prefix = "; " + name + ":";
        return text.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .findFirst().orElseThrow(() -> new IllegalArgumentException("missing '" + prefix + "' line"));
    }
}
