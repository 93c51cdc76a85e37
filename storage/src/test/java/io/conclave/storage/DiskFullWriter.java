package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;

import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link StoreDiskFullTest}, run under a file-size limit (ulimit -f) so
 * that LMDB's writes fail as on a full disk: commits numbered batches until one fails, then
 * checks that the store refuses further writes.
 */
final class DiskFullWriter {
    static final int MAX_BATCHES = 10_000;

    public static void main(String[] args) {
        // No fsync: LMDB still writes every page with pwrite at commit, which is what fails here.
        StoreOptions options = StoreOptions.defaults().withMapSizeBytes(64L << 20).withFsync(false);
        try (Store store = Store.open(Path.of(args[0]), options)) {
            for (long n = 1; n <= MAX_BATCHES; n++) {
                try {
                    store.commit(batch(store, n));
                } catch (StoreException e) {
                    System.out.println("FAILED " + n + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    try {
                        store.commit(batch(store, n + 1));
                        System.out.println("ACCEPTED-AFTER-FAILURE");
                    } catch (StoreException again) {
                        System.out.println("REFUSED " + again.getMessage());
                    }
                    System.out.flush();
                    return;
                }
                System.out.println("ACK " + n);
                System.out.flush();
            }
        }
    }

    static WriteBatch batch(Store store, long n) {
        long index = store.group(1).lastIndex() + 1;
        return store.newBatch()
                .put(CrashWriter.batchKey(n), CrashWriter.value(n))
                .put(CrashWriter.lastKey(), CrashWriter.encode(n))
                .append(1, List.of(new Entry(1, index, EntryType.NORMAL, CrashWriter.encode(n))));
    }
}
