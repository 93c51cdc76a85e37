package io.conclave.range.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.Intent;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.storage.KeyValue;
import java.util.List;

/** Point reads of the MVCC layout: one key's intent and newest version, a record. */
final class KeyReads {
    private KeyReads() {}

    /**
     * The intent of {@code userKey} and its newest version at or below {@code hi}. One store read
     * (the intent and the newest version sit side by side) unless the newest version is above
     * {@code hi}; then a second read seeks to {@code hi}.
     */
    static KeyState read(MvccReader reader, byte[] userKey, Timestamp hi) {
        List<KeyValue> rows = reader.scan(MvccKeys.intentKey(userKey), MvccKeys.versionsEnd(userKey), 2);
        Intent intent = null;
        int at = 0;
        if (!rows.isEmpty() && MvccKeys.decode(rows.get(0).key()).kind() == MvccKeys.Kind.INTENT) {
            intent = parseIntent(userKey, rows.get(0).value());
            at = 1;
        }
        KeyState.Version version = null;
        if (at < rows.size()) {
            MvccKeys.Decoded d = MvccKeys.decode(rows.get(at).key());
            if (d.kind() != MvccKeys.Kind.VERSION || Keys.compare(d.userKey(), userKey) != 0) {
                // Checked here rather than through Invariants.check: its arguments (the key in
                // readable form) would be built on every read.
                Invariants.check(false, "a scan of the versions of %s found %s", Keys.pretty(userKey), d);
            }
            version = d.ts().compareTo(hi) <= 0 ? new KeyState.Version(d.ts(), rows.get(at).value())
                    : versionAtOrBelow(reader, userKey, hi);
        }
        return new KeyState(userKey, intent, version);
    }

    /** The newest version of {@code userKey} at or below {@code hi}, or null. */
    static KeyState.Version versionAtOrBelow(MvccReader reader, byte[] userKey, Timestamp hi) {
        List<KeyValue> rows = reader.scan(MvccKeys.versionKey(userKey, hi), MvccKeys.versionsEnd(userKey), 1);
        if (rows.isEmpty()) return null;
        MvccKeys.Decoded d = MvccKeys.decode(rows.get(0).key());
        Invariants.check(d.kind() == MvccKeys.Kind.VERSION && Keys.compare(d.userKey(), userKey) == 0,
                "a scan of the versions of %s found %s", Keys.pretty(userKey), d);
        return new KeyState.Version(d.ts(), rows.get(0).value());
    }

    static Intent parseIntent(byte[] userKey, byte[] stored) {
        try {
            return Intent.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt intent of " + Keys.pretty(userKey) + " in the store", e);
        }
    }

    /** A stored record, parsed. */
    static TxnRecord parseRecord(byte[] anchorKey, byte[] stored) {
        try {
            return TxnRecord.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt transaction record at " + Keys.pretty(anchorKey), e);
        }
    }

    /** The record of transaction {@code id} anchored at {@code anchorKey}, or null. */
    static TxnRecord record(MvccReader reader, byte[] anchorKey, byte[] id) {
        byte[] stored = reader.get(MvccKeys.txnRecordKey(anchorKey, id));
        if (stored == null) return null;
        try {
            return TxnRecord.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt transaction record at " + Keys.pretty(anchorKey), e);
        }
    }
}
