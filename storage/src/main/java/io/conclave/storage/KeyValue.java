package io.conclave.storage;

import java.util.Arrays;

/** One state-machine key and its value, as {@link Store#scan} returns them (fresh copies). */
public record KeyValue(byte[] key, byte[] value) {
    public KeyValue {
        if (key == null || value == null) throw new IllegalArgumentException("key and value must not be null");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(kv.key, key) && Arrays.equals(kv.value, value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KeyValue{" + Bytes.toDisplay(key) + " = " + value.length + "B}";
    }
}
