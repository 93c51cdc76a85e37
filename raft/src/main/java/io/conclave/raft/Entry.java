package io.conclave.raft;

import java.util.Arrays;

/**
 * One Raft log entry. {@code data} is opaque to Raft except for {@link EntryType#CONF_CHANGE},
 * whose data is an encoded {@link ConfChange}. An entry with empty data is what a new leader
 * appends to commit entries of earlier terms.
 */
public record Entry(long term, long index, EntryType type, byte[] data) {
    public Entry {
        if (data == null) data = new byte[0];
    }

    /** Bytes this entry counts against size limits (message size, uncommitted size). */
    public long sizeBytes() {
        return data.length + 24L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.term == term && e.index == index && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(term) * 31 + Long.hashCode(index);
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + data.length + "B}";
    }
}
