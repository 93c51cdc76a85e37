package io.conclave.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

final class ProcessCpuTest {
    @Test
    void readsThisProcessCpuTimeAndItGrowsWithWork() throws Exception {
        long pid = ProcessHandle.current().pid();
        long before = ProcessCpu.cpuTicks(pid);
        long x = 0;
        long end = System.nanoTime() + Duration.ofMillis(200).toNanos();
        while (System.nanoTime() < end) x += Long.numberOfTrailingZeros(x + 1);
        long after = ProcessCpu.cpuTicks(pid);
        assertTrue(after > before, "cpu ticks " + before + " -> " + after + " (" + x + ")");
    }

    @Test
    void countsThisProcessWriteSystemCalls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        long before = ProcessCpu.writeSyscalls(pid);
        try (var out = java.nio.channels.FileChannel.open(dir.resolve("w"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (int i = 0; i < 50; i++) out.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }
        long after = ProcessCpu.writeSyscalls(pid);
        assertTrue(after - before >= 50, "write calls " + before + " -> " + after);
    }

    @Test
    void percentOfOneCore() {
        assertEquals(50.0, ProcessCpu.percentOfOneCore(100, 200, Duration.ofSeconds(2).toNanos()), 1e-9);
    }

    @Test
    void durationsAsPeopleTypeThem() {
        BenchMain.DurationConverter c = new BenchMain.DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(20), c.convert("20s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("20"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("fast"));
    }

    @Test
    void badFlagsExitWithTwo() {
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setParameterExceptionHandler((e, a) -> 2);
        assertEquals(2, cli.execute("raft", "--proposers", "0"));
        assertEquals(2, cli.execute("raft", "--duration", "soon"));
    }
}
