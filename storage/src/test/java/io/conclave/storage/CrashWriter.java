package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link StoreCrashTest}: commits numbered batches forever (bounded) and
 * prints "ACK n" after batch n's commit returned, so the parent knows what was acknowledged when
 * it kills this process. Batch n writes, atomically: data key batch/n, key "last" = n, and the
 * entry carrying n at the end of group {@code n % GROUPS + 1}'s log with a hard state committing it.
 */
final class CrashWriter {
    static final int GROUPS = 4;
    static final int MAX_BATCHES = 100_000;

    static byte[] batchKey(long n) {
        return String.format("batch/%08d", n).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] lastKey() {
        return "last".getBytes(StandardCharsets.US_ASCII);
    }

    static long group(long n) {
        return n % GROUPS + 1;
    }

    static byte[] encode(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    static long decode(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    /** Value of batch/n: its number, then filler of a size derived from n. */
    static byte[] value(long n) {
        int size = 8 + (int) new SplittableRandom(n).nextLong(4000);
        return ByteBuffer.allocate(size).putLong(n).array();
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        PrintStream out = System.out;
        try (Store store = Store.open(dir, StoreOptions.defaults().withMapSizeBytes(256L << 20))) {
            long last = store.get(lastKey()).map(CrashWriter::decode).orElse(0L);
            out.println("START " + last);
            out.flush();
            for (long n = last + 1; n <= last + MAX_BATCHES; n++) {
                long g = group(n);
                long index = store.group(g).lastIndex() + 1;
                WriteBatch batch = store.newBatch()
                        .put(batchKey(n), value(n))
                        .put(lastKey(), encode(n))
                        .append(g, List.of(new Entry(1, index, EntryType.NORMAL, encode(n))))
                        .setHardState(g, new HardState(1, 0, index));
                if (n > 50) batch.delete(batchKey(n - 50));
                store.commit(batch);
                out.println("ACK " + n);
                out.flush();
            }
        }
    }
}
