package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.storage.KeyValue;
import io.conclave.storage.Store;
import io.conclave.storage.StoreOptions;
import io.conclave.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's view of uncommitted batches over the store. Its store pages start at the
 * caller's limit and grow, so these tests hide most of the first pages behind the layers and
 * check that a small-limit scan still finds the rows further on.
 */
class BatchViewTest {
    @TempDir
    Path dir;

    private Store store;
    private BatchView view;

    @BeforeEach
    void open() {
        store = Store.open(dir, StoreOptions.defaults().withMapSizeBytes(64L << 20).withFsync(false));
        view = new BatchView(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] key(int i) {
        return String.format("k%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    private void storeRows(int from, int to) {
        WriteBatch batch = store.newBatch();
        for (int i = from; i < to; i++) batch.put(key(i), ("v" + i).getBytes(StandardCharsets.UTF_8));
        store.commit(batch);
    }

    private static List<String> keys(List<KeyValue> rows) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : rows) out.add(new String(kv.key(), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void aSmallLimitReadsPastThousandsOfRowsTheLayersHide() {
        storeRows(0, 3_000);
        view.deleteSpan(key(0), key(1_500));
        view.seal();
        for (int i = 1_500; i < 2_990; i++) view.delete(key(i));

        assertEquals(List.of("k02990", "k02991"), keys(view.scan(key(0), key(3_000), 2)));
        assertEquals(List.of("k02990"), keys(view.scan(key(0), key(3_000), 1)));
        assertEquals(10, view.scan(key(0), key(3_000), Long.MAX_VALUE).size());
    }

    @Test
    void layersAndStoreMergeLikeAModelAtEveryLimit() {
        Random random = new Random(7);
        TreeMap<String, String> model = new TreeMap<>();
        WriteBatch batch = store.newBatch();
        for (int i = 0; i < 2_000; i += 1 + random.nextInt(3)) {
            batch.put(key(i), ("s" + i).getBytes(StandardCharsets.UTF_8));
            model.put(new String(key(i), StandardCharsets.UTF_8), "s" + i);
        }
        store.commit(batch);
        for (int layer = 0; layer < 2; layer++) {
            for (int n = 0; n < 300; n++) {
                int i = random.nextInt(2_000);
                String k = new String(key(i), StandardCharsets.UTF_8);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        view.put(key(i), ("l" + layer + i).getBytes(StandardCharsets.UTF_8));
                        model.put(k, "l" + layer + i);
                    }
                    case 1 -> {
                        view.delete(key(i));
                        model.remove(k);
                    }
                    default -> {
                        int j = Math.min(2_000, i + random.nextInt(200));
                        view.deleteSpan(key(i), key(j));
                        model.subMap(k, true, new String(key(j), StandardCharsets.UTF_8), false).clear();
                    }
                }
            }
            if (layer == 0) view.seal();
        }
        for (long limit : new long[] {1, 2, 3, 17, 1_023, 1_024, 1_025, Long.MAX_VALUE}) {
            for (int start : new int[] {0, 1, 500, 1_999}) {
                String s = new String(key(start), StandardCharsets.UTF_8);
                List<String> expected = new ArrayList<>(model.tailMap(s, true).keySet());
                if (expected.size() > limit) expected = expected.subList(0, (int) limit);
                List<KeyValue> rows = view.scan(key(start), key(2_000), limit);
                assertEquals(expected, keys(rows), "limit " + limit + " from " + start);
                for (KeyValue kv : rows) {
                    assertEquals(model.get(new String(kv.key(), StandardCharsets.UTF_8)),
                            new String(kv.value(), StandardCharsets.UTF_8));
                }
            }
        }
    }
}
