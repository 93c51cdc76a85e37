package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import io.conclave.txn.CommitResult;
import io.conclave.txn.ScanOptions;
import io.conclave.txn.ScanSummary;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnAmbiguousException;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnException;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnScanFilterException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The production {@link SqlKv}: a thin adapter over the txn module's {@link TxnClient}. It
 * translates the txn module's exceptions into this package's (retry, ambiguous, other) so the
 * SQL layer depends on one error vocabulary; values and keys pass through unchanged.
 */
public final class TxnKv implements SqlKv {
    private final TxnClient client;

    public TxnKv(TxnClient client) {
        if (client == null) {
            throw new IllegalArgumentException("TxnKv needs a TxnClient");
        }
        this.client = client;
    }

    @Override
    public SqlTxn begin() {
        return new Adapter(translate(client::begin), false);
    }

    @Override
    public SqlTxn beginReadOnly(Timestamp asOf) {
        return new Adapter(translate(() -> client.beginReadOnly(asOf)), true);
    }

    /** The nodes serve the SQL row filter: the node registers it with its ranges at start. */
    @Override
    public boolean filtersScans() {
        return true;
    }

    @Override
    public Timestamp now() {
        return translate(client::now);
    }

    static <T> T translate(Supplier<T> call) {
        try {
            return call.get();
        } catch (TxnRetryException e) {
            throw new KvRetryException(e.reason().name(), e.getMessage(), e);
        } catch (TxnScanFilterException e) {
            throw new KvFilterException(e.getMessage(), e);
        } catch (TxnAmbiguousException e) {
            throw new KvAmbiguousException(e.getMessage(), e);
        } catch (TxnException e) {
            throw new KvException(e.sqlState(), e.getMessage(), e);
        }
    }

    private static final class Adapter implements SqlTxn {
        private final Txn txn;
        private final boolean readOnly;

        Adapter(Txn txn, boolean readOnly) {
            this.txn = txn;
            this.readOnly = readOnly;
        }

        @Override
        public byte[] get(byte[] key) {
            return translate(() -> txn.get(key).orElse(null));
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            return translate(() -> {
                List<byte[]> out = new ArrayList<>(keys.size());
                for (java.util.Optional<byte[]> v : txn.getAll(keys)) {
                    out.add(v.orElse(null));
                }
                return out;
            });
        }

        @Override
        public ClaimedValues getAllClaimingFirst(List<byte[]> keys, java.time.Duration claim) {
            return translate(() -> {
                io.conclave.txn.ClaimedReads read = txn.getAllClaimingFirst(keys, claim);
                List<byte[]> out = new ArrayList<>(keys.size());
                for (java.util.Optional<byte[]> v : read.values()) {
                    out.add(v.orElse(null));
                }
                return new ClaimedValues(out, read.claim());
            });
        }

        @Override
        public Timestamp assumeRead(byte[] key) {
            return translate(() -> txn.assumeRead(key));
        }

        @Override
        public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
            return translate(() -> {
                List<KeyValue> out = new ArrayList<>();
                for (io.conclave.range.client.KeyValue kv : txn.scan(start, end, limit)) {
                    out.add(new KeyValue(kv.key(), kv.value()));
                }
                return out;
            });
        }

        @Override
        public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
            ScanOptions options = new ScanOptions(Math.min(request.parallelism(), ScanOptions.MAX_PARALLELISM),
                    request.rowsWanted(), "", new byte[0]);
            if (request.hasFilter()) {
                options = options.withFilter(request.filterKind(), request.filter());
            }
            ScanOptions chosen = options;
            ScanSummary s = translate(() -> txn.scan(request.start(), request.end(), chosen,
                    kv -> sink.test(new KeyValue(kv.key(), kv.value()))));
            return new ScanCounts(s.requests(), s.ranges(), s.widestRound(), s.rowsScanned(), s.rowsReturned());
        }

        @Override
        public void put(byte[] key, byte[] value) {
            translate(() -> {
                txn.put(key, value);
                return null;
            });
        }

        @Override
        public void delete(byte[] key) {
            translate(() -> {
                txn.delete(key);
                return null;
            });
        }

        @Override
        public CommitInfo commit() {
            CommitResult result = translate(txn::commit);
            return new CommitInfo(result.commitTs(), result.onePhase(), result.ranges(),
                    result.commitWaitNanos());
        }

        @Override
        public void rollback() {
            translate(() -> {
                txn.rollback();
                return null;
            });
        }

        @Override
        public Timestamp readTimestamp() {
            return translate(txn::readTimestamp);
        }

        @Override
        public void setCommitWait(boolean commitWait) {
            translate(() -> {
                txn.setCommitWait(commitWait);
                return null;
            });
        }

        @Override
        public TxnStats stats() {
            io.conclave.txn.TxnStats s = translate(txn::stats);
            return new TxnStats(s.rangesTouched(), s.nodesTouched(), s.raftWrites(), s.reads(),
                    s.restarts(), s.restartReasons(), s.readNanos(), s.prepareNanos(),
                    s.commitNanos(), s.commitWaitNanos(), s.uncertaintyLimit());
        }

        @Override
        public boolean isReadOnly() {
            return readOnly;
        }
    }
}
