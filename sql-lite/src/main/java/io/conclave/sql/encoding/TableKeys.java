package io.conclave.sql.encoding;

import io.conclave.sql.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Where SQL data lives in the keyspace: {@code 0x10 uvarint(table) uvarint(index) columns...}.
 * Bytes below 0x10 are left to the rest of the system (0x04..0x0F are reserved for other user
 * data). Tables 1..3 are the catalog's system tables; user tables start at
 * {@link #FIRST_USER_TABLE_ID}.
 */
public final class TableKeys {
    public static final int TABLE_PREFIX = 0x10;
    /** Table descriptors, keyed by table id. */
    public static final long DESCRIPTOR_TABLE_ID = 1;
    /** Table names to ids. */
    public static final long NAMESPACE_TABLE_ID = 2;
    /** Counters: the next descriptor id and the catalog version. */
    public static final long COUNTER_TABLE_ID = 3;
    public static final long FIRST_USER_TABLE_ID = 100;
    /** The primary index of every table has id 1; secondary indexes count up from 2. */
    public static final int PRIMARY_INDEX_ID = 1;
    /**
     * Longest key Conclave stores (the range layer's limit: LMDB's key size after MVCC
     * escaping). A row or index key above it is refused with SQLSTATE 54000.
     */
    public static final int MAX_KEY_BYTES = 240;
    /** Largest row value (a write is one Raft entry; entries must fit in a frame). */
    public static final int MAX_ROW_BYTES = (1 << 20) - 1024;

    private TableKeys() {}

    public static byte[] tablePrefix(long tableId) {
        ByteSink out = new ByteSink(8);
        out.write(TABLE_PREFIX);
        KeyEncoding.encodeUvarint(out, tableId);
        return out.toByteArray();
    }

    public static byte[] indexPrefix(long tableId, long indexId) {
        ByteSink out = new ByteSink(12);
        out.write(TABLE_PREFIX);
        KeyEncoding.encodeUvarint(out, tableId);
        KeyEncoding.encodeUvarint(out, indexId);
        return out.toByteArray();
    }

    /** The key of {@code values} in an index: the index prefix then each value in order. */
    public static byte[] key(long tableId, long indexId, List<Value> values) {
        ByteSink out = new ByteSink(indexPrefix(tableId, indexId));
        for (Value v : values) {
            KeyEncoding.encode(out, v);
        }
        return out.toByteArray();
    }

    /** Decodes the column values of a key whose index prefix is {@code prefixLength} long. */
    public static List<Value> decodeColumns(byte[] key, int prefixLength) {
        ByteSource in = new ByteSource(key, prefixLength);
        List<Value> out = new ArrayList<>();
        while (in.hasMore()) {
            out.add(KeyEncoding.decode(in));
        }
        return out;
    }

    /**
     * A readable form of any key: {@code /Table/100/1/5/'abc'} for SQL keys, hex otherwise.
     * Used by EXPLAIN and SHOW RANGES, so it never throws on odd input.
     */
    public static String pretty(byte[] key) {
        String text = prettyOrNull(key);
        if (text != null) {
            return text;
        }
        // A span end is often prefixEnd(k): k with its last byte incremented. Show it as such.
        if (key.length > 0 && key[key.length - 1] != 0) {
            byte[] before = java.util.Arrays.copyOf(key, key.length);
            before[before.length - 1]--;
            String prefix = prettyOrNull(before);
            if (prefix != null) {
                return prefix + "/PrefixEnd";
            }
        }
        return prettyPartial(key);
    }

    private static String prettyOrNull(byte[] key) {
        String text = prettyPartial(key);
        return text.endsWith("/…") || text.contains("/0x") ? null : text;
    }

    private static String prettyPartial(byte[] key) {
        if (key == null) {
            return "/Max";
        }
        if (key.length == 0) {
            return "/Min";
        }
        if ((key[0] & 0xff) != TABLE_PREFIX) {
            return (key[0] & 0xff) > TABLE_PREFIX ? "/Max" : "/" + hex(key);
        }
        StringBuilder out = new StringBuilder("/Table");
        ByteSource in = new ByteSource(key, 1);
        try {
            if (!in.hasMore()) {
                return out.toString();
            }
            out.append('/').append(KeyEncoding.decodeUvarint(in));
            if (!in.hasMore()) {
                return out.toString();
            }
            out.append('/').append(KeyEncoding.decodeUvarint(in));
            while (in.hasMore()) {
                int start = in.position();
                if (!KeyEncoding.isValueMarker(in.peek())) {
                    return out.append("/").append(hex(java.util.Arrays.copyOfRange(key, start, key.length))).toString();
                }
                Value v = KeyEncoding.decode(in);
                out.append('/').append(v.family() == io.conclave.sql.SqlType.Family.STRING
                        ? "'" + v.asString() + "'" : v.toString());
            }
        } catch (CorruptDataException partial) {
            out.append("/…");
        }
        return out.toString();
    }

    private static String hex(byte[] bytes) {
        return "0x" + java.util.HexFormat.of().formatHex(bytes);
    }
}
