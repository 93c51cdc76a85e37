package io.conclave.range.client;

import io.conclave.range.Keys;
import java.util.Arrays;

/** One key and its value, as a scan returns them. Arrays are not copied: do not modify them. */
public record KeyValue(byte[] key, byte[] value) {
    public KeyValue {
        if (key == null || value == null) throw new IllegalArgumentException("key and value must be set");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return Keys.pretty(key) + "=" + Keys.pretty(value);
    }
}
