package io.conclave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process read from {@code /proc/PID/stat} (Linux only): user plus system time of
 * all its threads, in clock ticks. Two samples over a window give the process's CPU use as a
 * fraction of one core, which is what "idle groups cost almost nothing" is judged by. Also its
 * write system calls, from {@code /proc/PID/io}.
 */
final class ProcessCpu {
    /**
     * {@code sysconf(_SC_CLK_TCK)}; 100 on every mainstream Linux build. The JDK offers no way to
     * ask, and the figures are only as exact as this assumption (stated in the printed table).
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    /** utime + stime of {@code pid} in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        long[] split = userAndSystemTicks(pid);
        return split[0] + split[1];
    }

    /** {utime, stime} of {@code pid} in clock ticks: user code versus the kernel working for it. */
    static long[] userAndSystemTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Field 2 (comm) is in parentheses and may contain spaces; count fields after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // After comm: fields[0] is field 3 (state); utime is field 14, stime field 15.
        return new long[] {Long.parseLong(fields[14 - 3]), Long.parseLong(fields[15 - 3])};
    }

    /**
     * The write system calls {@code pid} has made ({@code syscw} in {@code /proc/PID/io}). A node's
     * are almost all LMDB writing one dirty page each, so over a window they count the scattered
     * pages the store made durable, the cost that bounds a write load on a shared disk.
     */
    static long writeSyscalls(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
            if (line.startsWith("syscw:")) return Long.parseLong(line.substring("syscw:".length()).trim());
        }
        throw new IOException("/proc/" + pid + "/io has no syscw line");
    }

    /** CPU used between two tick samples over {@code windowNanos}, in percent of one core. */
    static double percentOfOneCore(long ticksBefore, long ticksAfter, long windowNanos) {
        double cpuSeconds = (ticksAfter - ticksBefore) / (double) CLOCK_TICKS_PER_SECOND;
        return 100.0 * cpuSeconds / (windowNanos / 1e9);
    }
}
