package io.conclave.range.allocator;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** Where to split a range that grew too large. */
public final class SplitKeys {
    private SplitKeys() {}

    /**
     * The first key at which the running sum of key and value bytes, counted from the span's
     * start in key order and including that key's own, reaches half of {@code totalBytes}; it
     * starts the right range and the left keeps the keys before it. Never the span's first key (that split would leave the left range empty), and
     * empty if the span ends first (the total was an overestimate) or has fewer than two keys.
     *
     * @param spanInOrder the range's data span in ascending key order; read only as far as needed
     * @param totalBytes the span's approximate key+value bytes (the range's size_bytes)
     */
    public static Optional<byte[]> sizeSplitKey(Iterator<Map.Entry<byte[], byte[]>> spanInOrder, long totalBytes) {
        if (totalBytes <= 0) return Optional.empty();
        long runningBytes = 0;
        boolean first = true;
        while (spanInOrder.hasNext()) {
            Map.Entry<byte[], byte[]> entry = spanInOrder.next();
            byte[] key = entry.getKey();
            runningBytes += key.length + (entry.getValue() == null ? 0 : entry.getValue().length);
            // The key that reaches half starts the right range; if the first key does (one huge
            // value), the next key does, so that neither side is empty.
            if (!first && 2 * runningBytes >= totalBytes) return Optional.of(key.clone());
            first = false;
        }
        return Optional.empty();
    }
}
