package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftStorage.CompactedException;
import io.conclave.raft.SnapshotMetadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /** Entry data that says which index and term it was written for. */
    private static byte[] stamp(long index, long term) {
        return ByteBuffer.allocate(16).putLong(index).putLong(term).array();
    }

    @Test
    void logReadsOnOtherThreadsSeeOneStateWhileTheLogIsRewritten() throws Exception {
        long seed = Long.getLong("storage.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        AtomicBoolean done = new AtomicBoolean();
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false).withMapSizeBytes(64L << 20)
                .withTailCacheBytesPerGroup(600))) {
            GroupStorage group = store.group(1);
            CountDownLatch started = new CountDownLatch(READERS);
            Future<?>[] readers = new Future<?>[READERS];
            for (int r = 0; r < READERS; r++) {
                readers[r] = pool.submit(() -> {
                    long reads = 0;
                    while (!done.get() && reads < 1_000_000) {
                        long first = group.firstIndex();
                        long last = group.lastIndex();
                        try {
                            List<Entry> log = group.entries(first, last + 1, Long.MAX_VALUE);
                            long prevTerm = 0;
                            for (int i = 0; i < log.size(); i++) {
                                Entry e = log.get(i);
                                assertEquals(first + i, e.index(), "contiguous");
                                assertTrue(e.term() >= prevTerm, "terms never decrease along one log");
                                assertEquals(ByteBuffer.wrap(stamp(e.index(), e.term())), ByteBuffer.wrap(e.data()));
                                prevTerm = e.term();
                            }
                            if (last >= first) group.term(last);
                        } catch (CompactedException | IllegalArgumentException e) {
                            // The log moved between the index reads and the call: a legitimate answer.
                        }
                        if (++reads == 1) started.countDown(); // once per reader
                    }
                    return reads;
                });
            }
            assertTrue(started.await(30, TimeUnit.SECONDS), "readers did not start");
            long term = 1;
            for (int n = 0; n < BATCHES; n++) {
                long last = group.lastIndex();
                long first = group.firstIndex();
                // Rewrite a suffix in a new term, or compact, keeping the log a few dozen entries long.
                WriteBatch batch = store.newBatch();
                if (last - first > 40) {
                    long to = first + rnd.nextInt(20);
                    batch.setHardState(1, new HardState(term, 0, to)).setApplied(1, to, ConfState.EMPTY)
                            .setSnapshotMeta(1, new SnapshotMetadata(to, group.term(to),
                                    ConfState.EMPTY))
                            .compact(1, to);
                } else {
                    long from = Math.max(group.hardState().commit() + 1, last + 1 - rnd.nextInt(5));
                    term++;
                    List<Entry> entries = new ArrayList<>();
                    for (long i = from; i < from + 1 + rnd.nextInt(8); i++) {
                        entries.add(new Entry(term, i, EntryType.NORMAL, stamp(i, term)));
                    }
                    batch.append(1, entries).setHardState(1, new HardState(term, 0, group.hardState().commit()));
                }
                store.commit(batch);
            }
            done.set(true);
            for (Future<?> f : readers) assertTrue((Long) f.get(60, TimeUnit.SECONDS) > 0);
        } catch (Throwable t) {
            throw new AssertionError("failed with -Dstorage.seed=" + seed + ": " + t, t);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
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
                Exception e = assertThrows(Exception.class,
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
                        if (++reads == 1) started.countDown(); // once per reader
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
