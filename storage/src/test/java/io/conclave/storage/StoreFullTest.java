package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class StoreFullTest {
    @TempDir
    Path dir;

    private static final long TINY_MAP_BYTES = 256L << 10;

    private static byte[] value(int batch) {
        byte[] v = new byte[3000];
        Arrays.fill(v, (byte) batch);
        return v;
    }

    @Test
    void fullMapFailsTheBatchClearlyAndKeepsEarlierData() {
        StoreOptions tiny = StoreOptions.defaults().withMapSizeBytes(TINY_MAP_BYTES);
        int committed = 0;
        try (Store store = Store.open(dir, tiny)) {
            StoreFullException full = null;
            for (int n = 1; n <= 1000 && full == null; n++) {
                WriteBatch batch = store.newBatch()
                        .put(("key" + n).getBytes(), value(n))
                        .append(1, List.of(new Entry(1, n, EntryType.NORMAL, value(n))));
                try {
                    store.commit(batch);
                    committed = n;
                } catch (StoreFullException e) {
                    full = e;
                }
            }
            if (full == null) fail("a " + TINY_MAP_BYTES + "-byte map never filled up");
            assertTrue(committed > 5, "only " + committed + " batches fit");
            String message = full.getMessage();
            assertTrue(message.contains("store " + dir.toAbsolutePath() + " is full"), message);
            assertTrue(message.contains("map size " + TINY_MAP_BYTES + " bytes"), message);
            assertTrue(message.contains("raise --store-map-size"), message);
            assertEquals(TINY_MAP_BYTES, full.mapSizeBytes());
            // Nothing of the failed batch is visible; the store still answers reads.
            assertEquals(committed, store.group(1).lastIndex());
            assertTrue(store.get(("key" + (committed + 1)).getBytes()).isEmpty());
            assertArrayEquals(value(committed), store.get(("key" + committed).getBytes()).orElseThrow());
            assertEquals(1, store.stats().failedCommits());
        }
        // After a restart with a larger map, everything committed is there and writes resume.
        try (Store store = Store.open(dir, tiny.withMapSizeBytes(4L << 20))) {
            GroupStorage g = store.group(1);
            assertEquals(committed, g.lastIndex());
            List<Entry> log = g.entries(1, committed + 1, Long.MAX_VALUE);
            assertEquals(committed, log.size());
            for (int n = 1; n <= committed; n++) {
                assertArrayEquals(value(n), store.get(("key" + n).getBytes()).orElseThrow());
                assertArrayEquals(value(n), log.get(n - 1).data());
            }
            store.commit(store.newBatch().put("more".getBytes(), value(1))
                    .append(1, List.of(new Entry(1, committed + 1, EntryType.NORMAL, value(1)))));
            assertEquals(committed + 1, g.lastIndex());
        }
    }
}
