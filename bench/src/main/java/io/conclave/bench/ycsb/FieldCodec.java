package io.conclave.bench.ycsb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record's fields as one KV value: for each field a varint name length, the name, a varint value
 * length, the value. Compact (a 10 x 100 B record takes 1,080 B) and self-describing, so a read
 * of some fields needs no schema. Decoding checks every length against what is left.
 */
final class FieldCodec {
    private FieldCodec() {}

    static byte[] encode(Map<String, byte[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(fields.size() * 112);
        for (Map.Entry<String, byte[]> e : fields.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            writeVarint(out, name.length);
            out.writeBytes(name);
            writeVarint(out, e.getValue().length);
            out.writeBytes(e.getValue());
        }
        return out.toByteArray();
    }

    static Map<String, byte[]> decode(byte[] value) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        int[] pos = {0};
        while (pos[0] < value.length) {
            int nameLength = readVarint(value, pos);
            String name = new String(slice(value, pos, nameLength), StandardCharsets.UTF_8);
            fields.put(name, slice(value, pos, readVarint(value, pos)));
        }
        return fields;
    }

    private static byte[] slice(byte[] value, int[] pos, int length) {
        Checks.check(length >= 0 && length <= value.length - pos[0], "corrupt record: length %s at offset %s of %s bytes",
                length, pos[0], value.length);
        byte[] out = java.util.Arrays.copyOfRange(value, pos[0], pos[0] + length);
        pos[0] += length;
        return out;
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int readVarint(byte[] in, int[] pos) {
        int result = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            Checks.check(pos[0] < in.length, "corrupt record: varint runs past the end of %s bytes", in.length);
            int b = in[pos[0]++] & 0xff;
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new IllegalStateException("corrupt record: varint longer than 5 bytes");
    }
}
