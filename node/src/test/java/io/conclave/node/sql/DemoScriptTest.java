package io.conclave.node.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.launch.NodeProcessSpec;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code echo 'select 1;' | conclave demo}: a whole demo cluster, a script on stdin, and a clean exit. */
class DemoScriptTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void pipedStatementsRunAndTheDemoExits() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(NodeProcessSpec.currentJava());
        cmd.addAll(NodeProcessSpec.LMDB_FLAGS);
        cmd.addAll(List.of("-Xmx256m", "-cp", NodeProcessSpec.currentClassPath(), NodeProcessSpec.NODE_MAIN, "demo"));
        Path log = dir.resolve("demo.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write("select 1;\nselect 'a' || 'b' as ab;\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the demo did not exit");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("jdbc:conclave://127.0.0.1:"), out);
            assertTrue(out.contains("?column?\n--------\n       1\n(1 row)\n"), out);
            assertTrue(out.contains("ab\n--\nab\n(1 row)\n"), out);
            assertTrue(out.contains("stopping the cluster"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
