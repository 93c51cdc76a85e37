package io.conclave.sql.encoding;

import java.nio.charset.StandardCharsets;

/** A cursor over encoded bytes; running past the end is a corrupt-data error. */
public final class ByteSource {
    private final byte[] bytes;
    private int position;

    public ByteSource(byte[] bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    public ByteSource(byte[] bytes) {
        this(bytes, 0);
    }

    public boolean hasMore() {
        return position < bytes.length;
    }

    public int position() {
        return position;
    }

    public int peek() {
        need(1);
        return bytes[position] & 0xff;
    }

    public int read() {
        need(1);
        return bytes[position++] & 0xff;
    }

    public long readLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[position++] & 0xff);
        }
        return v;
    }

    public byte[] read(int count) {
        need(count);
        byte[] out = new byte[count];
        System.arraycopy(bytes, position, out, 0, count);
        position += count;
        return out;
    }

    /** The next {@code count} bytes as UTF-8 text, without an intermediate copy. */
    public String readUtf8(int count) {
        need(count);
        String out = new String(bytes, position, count, StandardCharsets.UTF_8);
        position += count;
        return out;
    }

    public void skip(int count) {
        need(count);
        position += count;
    }

    private void need(int count) {
        if (count < 0 || position + count > bytes.length) {
            throw new CorruptDataException("encoded data ends at byte " + bytes.length
                    + " but " + count + " more bytes were expected at " + position);
        }
    }
}
