package io.conclave.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMDB reads keys and values from native memory that the binding allocates per call. If the
 * binding lets that memory be freed before {@code mdb_put} has copied it (lmdbjava before 0.9.2:
 * the jnr cleaner may free it once the Java pointer is unreachable), a busy garbage collector
 * turns every write into a race: stored values come back as garbage, or the JVM dies with SIGSEGV
 * inside {@code mdb_put}. Writes under constant collection must read back exactly.
 */
class NativeBufferLifetimeTest {
    @TempDir
    Path dir;

    @Test
    void writesUnderConstantGarbageCollectionReadBackExactly() throws Exception {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        AtomicBoolean done = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!done.get()) System.gc();
        }, "gc-pressure");
        collector.setDaemon(true);
        int batches = 1000;
        int keysPerBatch = 40;
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false))) {
            collector.start();
            for (int b = 0; b < batches; b++) {
                WriteBatch batch = store.newBatch();
                for (int k = 0; k < keysPerBatch; k++) batch.put(key(b, k), value(b, k, random));
                store.commit(batch);
            }
            done.set(true);
            collector.join();
            SplittableRandom replay = new SplittableRandom(seed);
            for (int b = 0; b < batches; b++) {
                for (int k = 0; k < keysPerBatch; k++) {
                    byte[] expected = value(b, k, replay);
                    byte[] actual = store.get(key(b, k)).orElse(null);
                    assertTrue(actual != null, "seed " + seed + ": key " + b + "/" + k + " missing");
                    assertArrayEquals(expected, actual, "seed " + seed + ": key " + b + "/" + k + " corrupted");
                }
            }
        } finally {
            done.set(true);
        }
    }

    private static byte[] key(int batch, int k) {
        return ("k" + batch + "/" + k).getBytes();
    }

    private static byte[] value(int batch, int k, SplittableRandom random) {
        byte[] v = new byte[64 + random.nextInt(2048)];
        random.nextBytes(v);
        v[0] = (byte) batch;
        return Arrays.copyOf(v, v.length);
    }
}
