package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.Intent;

/**
 * What one user key holds as far as a read up to some timestamp {@code hi} needs: its intent (if
 * any, at whatever timestamp) and its newest committed version at or below {@code hi}.
 */
record KeyState(byte[] userKey, Intent intent, Version version) {
    /** A committed version: its timestamp and stored value (tag byte + value). */
    record Version(Timestamp ts, byte[] stored) {
        boolean tombstone() {
            return MvccKeys.isTombstone(stored);
        }

        byte[] value() {
            return MvccKeys.decodeValue(stored);
        }
    }

    Timestamp intentTs() {
        return Timestamp.fromProto(intent.getTxn().getWriteTs());
    }

    /** The newest committed value, or null if none or a tombstone. */
    byte[] liveValue() {
        return version == null || version.tombstone() ? null : version.value();
    }
}
