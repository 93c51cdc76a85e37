package io.conclave.sql;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SQL logic tests: files under {@code src/test/resources/logic/*.test} (format in
 * {@link LogicRunner}), each run on a fresh engine over an in-memory store. Run with
 * {@code -Dlogic.rewrite=true} to rewrite the expected results from the actual ones.
 */
class LogicTest {
    private static final Path DIR = Paths.get("src/test/resources/logic");

    @TestFactory
    Stream<DynamicTest> logicFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".test")).sorted().collect(Collectors.toList());
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> LogicRunner.runFile(f, new SqlEngine(new MemoryKv(), new MemoryAdmin()), LogicRunner.MEMORY,
                        Boolean.getBoolean("logic.rewrite"), (session, sql) -> {})));
    }
}
