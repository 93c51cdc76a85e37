package io.conclave.sql.encoding;

import java.util.Arrays;

/** A growable byte buffer for building keys and row values. */
public final class ByteSink {
    private byte[] bytes;
    private int length;

    public ByteSink() {
        this(32);
    }

    public ByteSink(int capacity) {
        bytes = new byte[Math.max(capacity, 8)];
    }

    public ByteSink(byte[] prefix) {
        this(prefix.length + 32);
        write(prefix);
    }

    public ByteSink write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
        return this;
    }

    public ByteSink write(byte[] b) {
        return write(b, 0, b.length);
    }

    public ByteSink write(byte[] b, int offset, int count) {
        ensure(count);
        System.arraycopy(b, offset, bytes, length, count);
        length += count;
        return this;
    }

    public ByteSink writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[length++] = (byte) (v >>> shift);
        }
        return this;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
