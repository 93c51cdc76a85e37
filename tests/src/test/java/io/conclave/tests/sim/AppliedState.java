package io.conclave.tests.sim;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The simulated state machine: the fingerprint of every entry applied so far, in index order,
 * plus the membership in force at the applied index. Fingerprints rather than commands so that a
 * leader's empty entry of term 5 and one of term 6 at the same index still differ.
 *
 * <p>It lives on {@link SimDisk} and is written together with its applied index, the way
 * production commits an entry's effects and the applied index in one storage transaction; a
 * crash therefore never leaves the two out of step.
 */
final class AppliedState {
    private long[] fingerprints = new long[64];
    private long appliedIndex;
    private ConfState confState;

    AppliedState(ConfState confState) {
        this.confState = confState;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    ConfState confState() {
        return confState;
    }

    /** The fingerprint applied at {@code index} (1-based). */
    long fingerprintAt(long index) {
        SimCheck.check(index >= 1 && index <= appliedIndex, "index %d outside applied [1, %d]", index,
                appliedIndex);
        return fingerprints[(int) (index - 1)];
    }

    void apply(Entry entry) {
        SimCheck.check(entry.index() == appliedIndex + 1,
                "apply gap: entry %s handed to a state machine whose applied index is %d", entry,
                appliedIndex);
        if (appliedIndex == fingerprints.length) fingerprints = Arrays.copyOf(fingerprints, fingerprints.length * 2);
        fingerprints[(int) appliedIndex] = fingerprint(entry);
        appliedIndex++;
    }

    void setConfState(ConfState confState) {
        this.confState = confState;
    }

    /** The image a snapshot carries: the applied fingerprints (membership is in the metadata). */
    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8 * (int) appliedIndex);
        buffer.putLong(appliedIndex);
        for (int i = 0; i < appliedIndex; i++) buffer.putLong(fingerprints[i]);
        return buffer.array();
    }

    /** Replaces this state by a snapshot image; used when a follower installs a snapshot. */
    void restore(byte[] data, long snapshotIndex, ConfState snapshotConfState) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        SimCheck.check(data.length >= 8, "snapshot data of %d bytes is too short", data.length);
        long count = buffer.getLong();
        SimCheck.check(count == snapshotIndex && data.length == 8 + 8 * count,
                "snapshot at index %d carries a state machine image of %d entries (%d bytes)",
                snapshotIndex, count, data.length);
        long[] restored = new long[Math.max(64, (int) count * 2)];
        for (int i = 0; i < count; i++) restored[i] = buffer.getLong();
        fingerprints = restored;
        appliedIndex = count;
        confState = snapshotConfState;
    }

    AppliedState copy() {
        AppliedState copy = new AppliedState(confState);
        copy.fingerprints = fingerprints.clone();
        copy.appliedIndex = appliedIndex;
        return copy;
    }

    /** A 64-bit fingerprint of an entry's term, type and data (FNV-1a, then a final mix). */
    static long fingerprint(Entry entry) {
        long hash = 0xcbf29ce484222325L;
        hash = (hash ^ entry.term()) * 0x100000001b3L;
        hash = (hash ^ entry.type().ordinal()) * 0x100000001b3L;
        for (byte b : entry.data()) hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        return hash ^ (hash >>> 33);
    }
}
