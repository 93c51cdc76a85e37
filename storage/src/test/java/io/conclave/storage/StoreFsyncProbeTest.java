package io.conclave.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe runs, prints its rates, and leaves a store that holds what it wrote. */
class StoreFsyncProbeTest {
    @TempDir
    Path dir;

    @Test
    void probePrintsCommitsPerSecond() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StoreFsyncProbe.run(new String[] {dir.toString(), "4", "64", "1", "2"},
                new PrintStream(captured, true, StandardCharsets.UTF_8));
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("commits/s") && out.contains("LMDB commit+fsync mean"), out);
        try (Store store = Store.open(dir, StoreOptions.defaults())) {
            assertTrue(store.group(1).lastIndex() > 0, out);
            assertTrue(store.group(2).lastIndex() > 0, out);
        }
        assertThrows(IllegalArgumentException.class,
                () -> StoreFsyncProbe.run(new String[] {dir.toString(), "0"}, System.out));
    }
}
