package io.conclave.node.sql;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A serial in-memory store for the SQL service's tests: a transaction buffers its writes and
 * applies them at commit, with no conflict checks (the tests run one statement at a time). The
 * real isolation is the txn module's business; here only the protocol is under test.
 */
class MemoryKv implements SqlKv {
    private final TreeMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
    private long ticks;

    @Override
    public synchronized SqlTxn begin() {
        return new Txn(now(), false);
    }

    @Override
    public synchronized SqlTxn beginReadOnly(Timestamp asOf) {
        return new Txn(asOf, true);
    }

    @Override
    public synchronized Timestamp now() {
        return new Timestamp(++ticks * 1000, 0);
    }

    private final class Txn implements SqlTxn {
        private final Timestamp readTs;
        private final boolean readOnly;
        private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
        private static final byte[] DELETED = new byte[0];

        Txn(Timestamp readTs, boolean readOnly) {
            this.readTs = readTs;
            this.readOnly = readOnly;
        }

        @Override
        public byte[] get(byte[] key) {
            byte[] w = writes.get(key);
            if (w != null) return w == DELETED ? null : w;
            synchronized (MemoryKv.this) {
                return data.get(key);
            }
        }

        @Override
        public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
            TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
            synchronized (MemoryKv.this) {
                merged.putAll(data.subMap(start, true, end, false));
            }
            for (Map.Entry<byte[], byte[]> w : writes.subMap(start, true, end, false).entrySet()) {
                if (w.getValue() == DELETED) merged.remove(w.getKey());
                else merged.put(w.getKey(), w.getValue());
            }
            List<KeyValue> out = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
                if (limit > 0 && out.size() >= limit) break;
                out.add(new KeyValue(e.getKey(), e.getValue()));
            }
            return out;
        }

        @Override
        public void put(byte[] key, byte[] value) {
            writes.put(key.clone(), value.clone());
        }

        @Override
        public void delete(byte[] key) {
            writes.put(key.clone(), DELETED);
        }

        @Override
        public CommitInfo commit() {
            synchronized (MemoryKv.this) {
                for (Map.Entry<byte[], byte[]> w : writes.entrySet()) {
                    if (w.getValue() == DELETED) data.remove(w.getKey());
                    else data.put(w.getKey(), w.getValue());
                }
            }
            return new CommitInfo(readTs, true, 1, 0);
        }

        @Override
        public void rollback() {
            writes.clear();
        }

        @Override
        public Timestamp readTimestamp() {
            return readTs;
        }

        @Override
        public void setCommitWait(boolean commitWait) {}

        @Override
        public TxnStats stats() {
            return TxnStats.EMPTY;
        }

        @Override
        public boolean isReadOnly() {
            return readOnly;
        }
    }
}
