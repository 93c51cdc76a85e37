package io.conclave.range.allocator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitKeysTest {
    private static Map.Entry<byte[], byte[]> kv(String key, int valueBytes) {
        return new SimpleEntry<>(key.getBytes(), new byte[valueBytes]);
    }

    private static long total(List<Map.Entry<byte[], byte[]>> span) {
        return span.stream().mapToLong(e -> e.getKey().length + e.getValue().length).sum();
    }

    @Test
    void evenSpanSplitsInTheMiddle() {
        List<Map.Entry<byte[], byte[]>> span = List.of(kv("a", 9), kv("b", 9), kv("c", 9), kv("d", 9));
        assertArrayEquals("b".getBytes(), SplitKeys.sizeSplitKey(span.iterator(), total(span)).orElseThrow());
    }

    @Test
    void neverTheFirstKey() {
        List<Map.Entry<byte[], byte[]>> span = List.of(kv("a", 1000), kv("b", 1), kv("c", 1));
        assertArrayEquals("b".getBytes(), SplitKeys.sizeSplitKey(span.iterator(), total(span)).orElseThrow());
    }

    @Test
    void hugeLastValueSplitsBeforeIt() {
        List<Map.Entry<byte[], byte[]>> span = List.of(kv("a", 1), kv("b", 1000));
        assertArrayEquals("b".getBytes(), SplitKeys.sizeSplitKey(span.iterator(), total(span)).orElseThrow());
    }

    @Test
    void nothingToSplit() {
        assertTrue(SplitKeys.sizeSplitKey(List.<Map.Entry<byte[], byte[]>>of().iterator(), 100).isEmpty());
        assertTrue(SplitKeys.sizeSplitKey(List.of(kv("a", 100)).iterator(), 101).isEmpty());
        assertTrue(SplitKeys.sizeSplitKey(List.of(kv("a", 1), kv("b", 1)).iterator(), 0).isEmpty());
        // The total overestimates the span: it ends before half.
        assertTrue(SplitKeys.sizeSplitKey(List.of(kv("a", 1), kv("b", 1)).iterator(), 1000).isEmpty());
    }

    /** Property: the key is inside the span, not its first, and each side holds at most about half. */
    @Test
    void randomSpansSplitAboutHalf() {
        for (long s = 1; s <= 200; s++) {
            long seed = s;
            SplittableRandom random = new SplittableRandom(seed);
            int n = 2 + random.nextInt(300);
            List<Map.Entry<byte[], byte[]>> span = new ArrayList<>();
            int maxValue = 1 + random.nextInt(2000);
            for (int i = 0; i < n; i++) span.add(kv(String.format("k%05d", i), random.nextInt(maxValue)));
            long total = total(span);
            Optional<byte[]> split = SplitKeys.sizeSplitKey(span.iterator(), total);
            byte[] key = split.orElseThrow(() -> new AssertionError("seed " + seed + ": no key"));
            assertTrue(Keys.compare(key, span.get(0).getKey()) > 0, "seed " + seed);
            long left = span.stream().filter(e -> Keys.compare(e.getKey(), key) < 0)
                    .mapToLong(e -> e.getKey().length + e.getValue().length).sum();
            long biggest = span.stream().mapToLong(e -> e.getKey().length + e.getValue().length).max().orElseThrow();
            assertTrue(2 * left < total + 2 * biggest && 2 * (total - left) <= total + 2 * biggest,
                    "seed " + seed + ": left " + left + " of " + total);
        }
    }
}
