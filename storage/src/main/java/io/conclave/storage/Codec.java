package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hand-written encodings of the values the store keeps, each starting with a version byte so a
 * later format can be read beside this one. Fixed-width big-endian longs: these values are a few
 * dozen bytes and decoding must be trivially correct. A value that does not decode is corruption
 * or a newer format, reported as a {@link StoreException} naming what was being read.
 */
final class Codec {
    static final byte VERSION = 1;
    /** Version 1 entry header: version, type, term. The index is in the key. */
    static final int ENTRY_HEADER_BYTES = 1 + 1 + 8;

    private Codec() {}

    static byte[] encodeEntry(Entry e) {
        return ByteBuffer.allocate(ENTRY_HEADER_BYTES + e.data().length)
                .put(VERSION).put(typeCode(e.type())).putLong(e.term()).put(e.data()).array();
    }

    static long encodedEntryBytes(Entry e) {
        return ENTRY_HEADER_BYTES + (long) e.data().length;
    }

    static Entry decodeEntry(long index, byte[] value) {
        ByteBuffer b = open(value, "log entry " + index);
        try {
            EntryType type = typeOf(b.get(), index);
            long term = b.getLong();
            byte[] data = new byte[b.remaining()];
            b.get(data);
            return new Entry(term, index, type, data);
        } catch (BufferUnderflowException e) {
            throw corrupt("log entry " + index, value);
        }
    }

    /** Reads only the term of an encoded entry, without copying its data. */
    static long decodeEntryTerm(long index, byte[] value) {
        ByteBuffer b = open(value, "log entry " + index);
        if (b.remaining() < 9) throw corrupt("log entry " + index, value);
        b.get();
        return b.getLong();
    }

    static byte[] encodeHardState(HardState hs) {
        return ByteBuffer.allocate(1 + 24).put(VERSION).putLong(hs.term()).putLong(hs.vote())
                .putLong(hs.commit()).array();
    }

    static HardState decodeHardState(byte[] value) {
        ByteBuffer b = open(value, "hard state");
        try {
            return new HardState(b.getLong(), b.getLong(), b.getLong());
        } catch (BufferUnderflowException e) {
            throw corrupt("hard state", value);
        }
    }

    /** The truncated state: the index and term of the last entry dropped from the log. */
    static byte[] encodeTruncated(long index, long term) {
        return ByteBuffer.allocate(1 + 16).put(VERSION).putLong(index).putLong(term).array();
    }

    static long[] decodeTruncated(byte[] value) {
        ByteBuffer b = open(value, "truncated state");
        try {
            return new long[] {b.getLong(), b.getLong()};
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated state", value);
        }
    }

    static byte[] encodeSnapshotMeta(SnapshotMetadata meta) {
        ByteBuffer b = ByteBuffer.allocate(1 + 16 + confStateBytes(meta.confState()));
        b.put(VERSION).putLong(meta.index()).putLong(meta.term());
        putConfState(b, meta.confState());
        return b.array();
    }

    static SnapshotMetadata decodeSnapshotMeta(byte[] value) {
        ByteBuffer b = open(value, "snapshot metadata");
        try {
            return new SnapshotMetadata(b.getLong(), b.getLong(), getConfState(b));
        } catch (BufferUnderflowException e) {
            throw corrupt("snapshot metadata", value);
        }
    }

    /** The applied state: the last applied index and the membership as of that index. */
    static byte[] encodeApplied(long index, ConfState confState) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + confStateBytes(confState));
        b.put(VERSION).putLong(index);
        putConfState(b, confState);
        return b.array();
    }

    record Applied(long index, ConfState confState) {}

    static Applied decodeApplied(byte[] value) {
        ByteBuffer b = open(value, "applied state");
        try {
            return new Applied(b.getLong(), getConfState(b));
        } catch (BufferUnderflowException e) {
            throw corrupt("applied state", value);
        }
    }

    static byte[] encodeIdent(StoreIdent ident) {
        byte[] cluster = ident.clusterId().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 1 + cluster.length).put(VERSION).putLong(ident.nodeId())
                .put((byte) cluster.length).put(cluster).array();
    }

    static StoreIdent decodeIdent(byte[] value) {
        ByteBuffer b = open(value, "store ident");
        try {
            long nodeId = b.getLong();
            byte[] cluster = new byte[b.get() & 0xFF];
            b.get(cluster);
            return new StoreIdent(new String(cluster, StandardCharsets.UTF_8), nodeId);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt("store ident", value);
        }
    }

    private static int confStateBytes(ConfState cs) {
        return 8 + 8 * (cs.voters().size() + cs.learners().size());
    }

    private static void putConfState(ByteBuffer b, ConfState cs) {
        putIds(b, cs.voters());
        putIds(b, cs.learners());
    }

    /** Sorted, so equal conf states encode to equal bytes. */
    private static void putIds(ByteBuffer b, Set<Long> ids) {
        b.putInt(ids.size());
        for (long id : new TreeSet<>(ids)) b.putLong(id);
    }

    private static ConfState getConfState(ByteBuffer b) {
        Set<Long> voters = getIds(b);
        Set<Long> learners = getIds(b);
        return new ConfState(voters, learners);
    }

    private static Set<Long> getIds(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 8) throw new BufferUnderflowException();
        Set<Long> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) ids.add(b.getLong());
        return ids;
    }

    private static byte typeCode(EntryType type) {
        return switch (type) {
            case NORMAL -> 0;
            case CONF_CHANGE -> 1;
        };
    }

    private static EntryType typeOf(byte code, long index) {
        return switch (code) {
            case 0 -> EntryType.NORMAL;
            case 1 -> EntryType.CONF_CHANGE;
            default -> throw new StoreException("log entry " + index + " has unknown entry type " + code
                    + "; the store was written by a newer version or is corrupt");
        };
    }

    private static ByteBuffer open(byte[] value, String what) {
        if (value.length == 0) throw corrupt(what, value);
        if (value[0] != VERSION) {
            throw new StoreException(what + " has format version " + value[0] + "; this build reads version "
                    + VERSION + ": the store was written by a newer version or is corrupt");
        }
        return ByteBuffer.wrap(value, 1, value.length - 1);
    }

    private static StoreException corrupt(String what, byte[] value) {
        return new StoreException(what + " is corrupt: cannot decode its " + value.length + " bytes");
    }
}
