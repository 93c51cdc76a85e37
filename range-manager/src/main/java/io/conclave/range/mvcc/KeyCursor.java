package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.storage.KeyValue;
import java.util.Arrays;
import java.util.List;

/**
 * Walks the user keys of [start, end) in order, yielding for each its {@link KeyState} up to
 * {@code hi}. Reads the store a page at a time; once a key's version at or below {@code hi} is
 * known it skips the key's older versions (and records) without reading them, and when the
 * first version it meets is above {@code hi} it seeks straight to {@code hi}, so a key with a
 * long history costs a bounded number of rows.
 */
final class KeyCursor {
    /**
     * Rows per store read: enough that a scan of live keys (one intent-less version each) costs a
     * read per page of keys, few enough that a page of large values stays small in memory.
     */
    static final int PAGE_ROWS = 32;

    private final MvccReader reader;
    private final byte[] storeEnd;
    private final Timestamp hi;
    private byte[] position;
    private List<KeyValue> page = List.of();
    private int at;
    private boolean exhausted;

    KeyCursor(MvccReader reader, byte[] startUserKey, byte[] endUserKey, Timestamp hi) {
        this.reader = reader;
        this.position = MvccKeys.encode(startUserKey);
        this.storeEnd = MvccKeys.storeKey(endUserKey);
        this.hi = hi;
    }

    /** The next user key with anything stored (intent, version or record), or null at the end. */
    KeyState next() {
        KeyValue row = peek();
        if (row == null) return null;
        byte[] userKey = MvccKeys.decode(row.key()).userKey();
        byte[] intent = null;
        KeyState.Version version = null;
        while ((row = peek()) != null) {
            MvccKeys.Decoded d = MvccKeys.decode(row.key());
            if (!Arrays.equals(d.userKey(), userKey)) break;
            if (d.kind() == MvccKeys.Kind.INTENT) {
                intent = row.value();
                at++;
            } else if (d.kind() == MvccKeys.Kind.VERSION) {
                version = d.ts().compareTo(hi) <= 0 ? new KeyState.Version(d.ts(), row.value())
                        : KeyReads.versionAtOrBelow(reader, userKey, hi);
                skipRestOf(userKey);
                break;
            } else {
                // A record: the key's versions (if any) came before it.
                at++;
            }
        }
        return new KeyState(userKey, intent == null ? null : KeyReads.parseIntent(userKey, intent), version);
    }

    private KeyValue peek() {
        if (at < page.size()) return page.get(at);
        if (exhausted) return null;
        page = reader.scan(position, storeEnd, PAGE_ROWS);
        at = 0;
        exhausted = page.size() < PAGE_ROWS;
        if (!page.isEmpty()) position = Keys.next(page.get(page.size() - 1).key());
        return page.isEmpty() ? null : page.get(0);
    }

    private void skipRestOf(byte[] userKey) {
        byte[] end = MvccKeys.keyEnd(userKey);
        while (at < page.size() && Keys.compare(page.get(at).key(), end) < 0) at++;
        if (at == page.size() && Keys.compare(position, end) < 0) position = end;
    }
}
