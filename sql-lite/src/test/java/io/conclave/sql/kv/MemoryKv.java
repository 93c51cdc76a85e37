package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import io.conclave.range.mvcc.ScanFilter;
import io.conclave.range.mvcc.ScanFilterException;
import io.conclave.txn.ClusterSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-memory multi-version store for tests: every committed write keeps its commit
 * timestamp; a transaction reads the snapshot at its start timestamp plus its own buffered
 * writes; commit fails with {@link KvRetryException} when anything it read or wrote was
 * committed by someone else after it started (optimistic, so serializable). Time is a counter
 * (one "microsecond" per tick), so runs are deterministic. Thread-safe.
 */
public final class MemoryKv implements SqlKv {
    private static final byte[] DELETED = new byte[0];
    private static final ScanFilter.Factory FILTERS = io.conclave.sql.exec.RowFilters.factory();

    private final TreeMap<byte[], TreeMap<Timestamp, byte[]>> versions = new TreeMap<>(Arrays::compareUnsigned);
    private long clockMicros = 1_764_000_000_000_000L;
    private int failNextCommits;
    private int commitsWithCommitWait;

    @Override
    public synchronized SqlTxn begin() {
        return new MemoryTxn(tick(), false);
    }

    @Override
    public synchronized SqlTxn beginReadOnly(Timestamp asOf) {
        return new MemoryTxn(asOf, true);
    }

    /** Filters scans as a range does, with the SQL row filter's real factory. */
    @Override
    public boolean filtersScans() {
        return true;
    }

    @Override
    public synchronized Timestamp now() {
        return tick();
    }

    /** How many commits so far ran with commit-wait on. */
    public synchronized int commitsWithCommitWait() {
        return commitsWithCommitWait;
    }

    /** Makes the next {@code n} commits fail with a retry error (to test retries). */
    public synchronized void failNextCommits(int n) {
        failNextCommits = n;
    }

    private Timestamp tick() {
        clockMicros += 1;
        return new Timestamp(clockMicros * 1_000, 0);
    }

    private synchronized byte[] read(byte[] key, Timestamp at) {
        TreeMap<Timestamp, byte[]> history = versions.get(key);
        if (history == null) {
            return null;
        }
        Map.Entry<Timestamp, byte[]> e = history.floorEntry(at);
        return e == null || e.getValue() == DELETED ? null : e.getValue();
    }

    private synchronized List<KeyValue> scanAt(byte[] start, byte[] end, Timestamp at) {
        List<KeyValue> out = new ArrayList<>();
        for (Map.Entry<byte[], TreeMap<Timestamp, byte[]>> e : versions.subMap(start, true, end, false).entrySet()) {
            Map.Entry<Timestamp, byte[]> v = e.getValue().floorEntry(at);
            if (v != null && v.getValue() != DELETED) {
                out.add(new KeyValue(e.getKey(), v.getValue()));
            }
        }
        return out;
    }

    private synchronized boolean changedSince(byte[] start, byte[] end, Timestamp since) {
        NavigableMap<byte[], TreeMap<Timestamp, byte[]>> span = end == null
                ? versions.subMap(start, true, start, true) : versions.subMap(start, true, end, false);
        for (TreeMap<Timestamp, byte[]> history : span.values()) {
            if (history.lastKey().isAfter(since)) {
                return true;
            }
        }
        return false;
    }

    private final class MemoryTxn implements SqlTxn {
        private final Timestamp start;
        private final boolean readOnly;
        private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
        private final List<byte[][]> reads = new ArrayList<>();
        private boolean finished;
        /** Null until set: the cluster setting (ClusterSettings.COMMIT_WAIT in this store) decides, as in a node. */
        private Boolean commitWait;
        private int requests;

        MemoryTxn(Timestamp start, boolean readOnly) {
            this.start = start;
            this.readOnly = readOnly;
        }

        @Override
        public byte[] get(byte[] key) {
            live();
            requests++;
            if (writes.containsKey(key)) {
                byte[] v = writes.get(key);
                return v == DELETED ? null : v;
            }
            reads.add(new byte[][] {key.clone(), null});
            return read(key, start);
        }

        /**
         * One request over the whole span: the stored rows through the filter (as a range does,
         * before the own writes are merged in), then the own writes, in key order.
         */
        @Override
        public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
            live();
            requests++;
            ScanFilter filter = null;
            if (request.hasFilter()) {
                if (!request.filterKind().equals(FILTERS.kind())) {
                    throw new IllegalArgumentException("no scan filter of kind " + request.filterKind());
                }
                try {
                    filter = FILTERS.compile(request.filter());
                } catch (ScanFilterException e) {
                    throw new KvFilterException(e.getMessage(), e);
                }
            }
            TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
            List<KeyValue> stored = scanAt(request.start(), request.end(), start);
            for (KeyValue kv : stored) {
                byte[] value = kv.value();
                if (filter != null) {
                    try {
                        value = filter.apply(kv.key(), value);
                    } catch (ScanFilterException e) {
                        throw new KvFilterException(e.getMessage(), e);
                    }
                }
                if (value != null) {
                    merged.put(kv.key(), value);
                }
            }
            int returned = merged.size();
            merged.putAll(writes.subMap(request.start(), true, request.end(), false));
            byte[] readEnd = request.end();
            for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
                if (e.getValue() != DELETED && !sink.test(new KeyValue(e.getKey(), e.getValue()))) {
                    readEnd = Arrays.copyOf(e.getKey(), e.getKey().length + 1);
                    break;
                }
            }
            reads.add(new byte[][] {request.start().clone(), readEnd});
            return new ScanCounts(1, 1, 1, stored.size(), returned);
        }

        @Override
        public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
            live();
            requests++;
            if (limit <= 0) {
                throw new IllegalArgumentException("scan limit must be > 0");
            }
            TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
            for (KeyValue kv : scanAt(from, to, start)) {
                merged.put(kv.key(), kv.value());
            }
            merged.putAll(writes.subMap(from, true, to, false));
            List<KeyValue> out = new ArrayList<>();
            byte[] last = null;
            for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
                if (out.size() == limit) {
                    break;
                }
                last = e.getKey();
                if (e.getValue() != DELETED) {
                    out.add(new KeyValue(e.getKey(), e.getValue()));
                }
            }
            byte[] readEnd = out.size() == limit && last != null ? Arrays.copyOf(last, last.length + 1) : to;
            reads.add(new byte[][] {from.clone(), readEnd});
            return out;
        }

        @Override
        public void put(byte[] key, byte[] value) {
            live();
            if (readOnly) {
                throw new IllegalStateException("write in a read-only transaction");
            }
            if (value == null || value.length == 0) {
                throw new IllegalArgumentException("empty values are not allowed");
            }
            writes.put(key.clone(), value.clone());
        }

        @Override
        public void delete(byte[] key) {
            live();
            if (readOnly) {
                throw new IllegalStateException("write in a read-only transaction");
            }
            writes.put(key.clone(), DELETED);
        }

        @Override
        public CommitInfo commit() {
            live();
            synchronized (MemoryKv.this) {
                finished = true;
                if (failNextCommits > 0) {
                    failNextCommits--;
                    throw new KvRetryException("WRITE_TOO_OLD", "injected conflict");
                }
                if (readOnly || writes.isEmpty()) {
                    return new CommitInfo(start, true, 0, 0);
                }
                for (byte[][] read : reads) {
                    if (changedSince(read[0], read[1], start)) {
                        throw new KvRetryException("REFRESH_FAILED", "a key read at " + start + " changed before commit");
                    }
                }
                for (byte[] key : writes.keySet()) {
                    if (changedSince(key, null, start)) {
                        throw new KvRetryException("WRITE_TOO_OLD", "a key written was committed by another transaction");
                    }
                }
                Timestamp commitTs = tick();
                boolean wait = commitWait != null ? commitWait : "on".equals(ClusterSettings.decode(
                        ClusterSettings.COMMIT_WAIT, read(ClusterSettings.key(ClusterSettings.COMMIT_WAIT), start)));
                if (wait) {
                    commitsWithCommitWait++;
                }
                for (Map.Entry<byte[], byte[]> w : writes.entrySet()) {
                    versions.computeIfAbsent(w.getKey(), k -> new TreeMap<>()).put(commitTs, w.getValue());
                }
                return new CommitInfo(commitTs, true, 1, 0);
            }
        }

        @Override
        public void rollback() {
            finished = true;
        }

        @Override
        public Timestamp readTimestamp() {
            return start;
        }

        @Override
        public void setCommitWait(boolean commitWait) {
            this.commitWait = commitWait;
        }

        @Override
        public TxnStats stats() {
            return new TxnStats(1, 1, writes.isEmpty() ? 0 : 1, requests, 0, Map.of(), 0, 0, 0, 0, null);
        }

        @Override
        public boolean isReadOnly() {
            return readOnly;
        }

        private void live() {
            if (finished) {
                throw new IllegalStateException("transaction already finished");
            }
        }
    }
}
