package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures durable commit throughput on this disk: commits batches of N entries (spread over G
 * groups, as one scheduler cycle would) for a few seconds and prints commits/s and latencies.
 *
 * <pre>java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *     -cp ... io.conclave.storage.StoreFsyncProbe \
 *     [dir] [entriesPerBatch=16] [entryBytes=256] [seconds=5] [groups=8]</pre>
 *
 * A tool at the edge, not store logic: it reads the system clock to time itself.
 */
final class StoreFsyncProbe {
    private StoreFsyncProbe() {}

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    static void run(String[] args, PrintStream out) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("conclave-fsync-probe");
        int entriesPerBatch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int entryBytes = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int groups = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        if (entriesPerBatch < 1 || entryBytes < 0 || seconds < 1 || seconds > 600 || groups < 1) {
            throw new IllegalArgumentException("usage: StoreFsyncProbe [dir] [entriesPerBatch>=1] [entryBytes>=0]"
                    + " [seconds 1..600] [groups>=1]");
        }
        byte[] payload = new byte[entryBytes];
        long commits = 0;
        try (Store store = Store.open(dir, StoreOptions.defaults())) {
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                WriteBatch batch = store.newBatch();
                for (int g = 1; g <= groups; g++) {
                    int count = entriesPerBatch / groups + (g <= entriesPerBatch % groups ? 1 : 0);
                    if (count == 0) continue;
                    long next = store.group(g).lastIndex() + 1;
                    List<Entry> entries = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) entries.add(new Entry(1, next + i, EntryType.NORMAL, payload));
                    batch.append(g, entries).setHardState(g, new HardState(1, 1, next + count - 1));
                }
                store.commit(batch);
                commits++;
            }
            double elapsedSeconds = (System.nanoTime() - start) / 1e9;
            StoreStats stats = store.stats();
            out.printf("store %s: %d commits in %.1f s = %.0f commits/s, %.0f entries/s (%d entries of %d B"
                            + " over %d groups per batch)%n", dir, commits, elapsedSeconds, commits / elapsedSeconds,
                    commits * entriesPerBatch / elapsedSeconds, entriesPerBatch, entryBytes, groups);
            out.printf("commit latency mean %.0f us, max %d us; LMDB commit+fsync mean %.0f us, max %d us;"
                            + " used %d of %d bytes%n", stats.meanCommitMicros(), stats.maxCommitMicros(),
                    stats.meanFsyncMicros(), stats.maxFsyncMicros(), stats.usedBytes(), stats.mapSizeBytes());
        }
    }
}
