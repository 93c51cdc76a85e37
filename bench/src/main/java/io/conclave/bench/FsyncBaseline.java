package io.conclave.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * The disk's durable-write floor: overwrite 4 KiB and {@code force(false)} (fdatasync) in a
 * loop. Every Raft commit needs at least one such sync on a quorum, so syncs per second bound
 * the number of write batches per second; commits per second above that come only from batching.
 */
final class FsyncBaseline {
    static final int WRITE_BYTES = 4096;

    record Result(long syncs, double syncsPerSecond, Histogram latencyNanos) {}

    private FsyncBaseline() {}

    static Result measure(Path dir, long durationNanos) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-baseline", ".dat");
        Histogram latency = new Histogram(3_600_000_000_000L, 3);
        ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BYTES);
        long syncs = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            long end = start + durationNanos;
            long now = start;
            while (now < end) {
                block.clear();
                block.putLong(0, syncs);
                ch.write(block, 0);
                ch.force(false);
                long after = System.nanoTime();
                latency.recordValue(after - now);
                now = after;
                syncs++;
            }
            return new Result(syncs, syncs / ((now - start) / 1e9), latency);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
