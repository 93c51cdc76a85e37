package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readers on other threads see whole batches while one thread commits. */
class StoreConcurrencyTest {
    @TempDir
    Path dir;

    private static final int BATCHES = 300;
    private static final int READERS = 2;

    private static byte[] num(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static long num(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    @Test
    void closeWaitsForRunningCallsAndFailsLaterOnes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        Store store = Store.open(dir, StoreOptions.defaults().withFsync(false).withMapSizeBytes(16L << 20)
                .withTailCacheBytesPerGroup(0));
        try {
            store.commit(store.newBatch().put(new byte[] {'k'}, num(1))
                    .append(1, List.of(new Entry(1, 1, EntryType.NORMAL, num(1)))));
            Future<?>[] callers = new Future<?>[READERS + 1];
            for (int r = 0; r < READERS; r++) {
                callers[r] = pool.submit(() -> {
                    for (long i = 0; i < 10_000_000; i++) {
                        store.get(new byte[] {'k'});
                        store.group(1).entries(1, 2, Long.MAX_VALUE); // no tail cache: an LMDB read
                    }
                    return null;
                });
            }
            callers[READERS] = pool.submit(() -> {
                for (long n = 2; n < 10_000_000; n++) store.commit(store.newBatch().put(new byte[] {'k'}, num(n)));
                return null;
            });
            for (int i = 0; i < 1_000_000 && store.stats().commits() < 20; i++) Thread.onSpinWait();
            store.close();
            for (Future<?> f : callers) {
                Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                        () -> f.get(60, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof StoreException se && se.getMessage().contains("is closed"),
                        "expected a clean 'closed' error, got " + e.getCause());
            }
        } finally {
            store.close();
            pool.shutdownNow();
        }
    }

    @Test
    void readersSeeWholeBatchesWhileOneThreadCommits() throws Exception {
        byte[] x = {'x'};
        byte[] y = {'y'};
        byte[] z = {'z'};
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        AtomicBoolean done = new AtomicBoolean();
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false).withMapSizeBytes(64L << 20)
                .withTailCacheBytesPerGroup(2000))) {
            store.commit(store.newBatch().put(x, num(0)).put(y, num(0)));
            GroupStorage group = store.group(1);
            CountDownLatch started = new CountDownLatch(READERS);
            Future<?>[] readers = new Future<?>[READERS];
            for (int r = 0; r < READERS; r++) {
                readers[r] = pool.submit(() -> {
                    long reads = 0;
                    while (!done.get() && reads < 1_000_000) {
                        List<KeyValue> both = store.scan(x, z, 10);
                        assertEquals(2, both.size());
                        assertEquals(num(both.get(0).value()), num(both.get(1).value()), "x and y come from one batch");
                        long last = group.lastIndex();
                        if (last > 0) {
                            List<Entry> log = group.entries(1, last + 1, Long.MAX_VALUE);
                            assertEquals(last, log.size());
                            for (int i = 0; i < log.size(); i++) assertEquals(i + 1, num(log.get(i).data()));
                        }
                        reads++;
                        started.countDown();
                    }
                    return reads;
                });
            }
            assertTrue(started.await(30, TimeUnit.SECONDS), "readers did not start");
            for (long n = 1; n <= BATCHES; n++) {
                store.commit(store.newBatch().put(x, num(n)).put(y, num(n))
                        .append(1, List.of(new Entry(1, n, EntryType.NORMAL, num(n)))));
            }
            done.set(true);
            for (Future<?> f : readers) assertTrue((Long) f.get(60, TimeUnit.SECONDS) > 0);
            assertEquals(BATCHES, group.lastIndex());
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
