package io.conclave.range.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded interleavings of blind-writing transactions (two-phase and one-phase), pushes by
 * readers and writers, and resolution, driven through the evaluator as a coordinator would; every
 * read that succeeds must match a model of what committed, and once everything is resolved no
 * intent is left and every timestamp reads as the model says.
 */
class MvccTxnModelTest {
    private static final long SEED = Long.getLong("mvcc.seed", 0xBADC0DEL);
    private static final String[] KEYS = {"a", "b", "c", "d", "e"};

    private enum Step { HEARTBEAT, PREPARE, END, RESOLVE, DONE }

    private static final class Tx {
        TxnMeta meta;
        final Map<String, String> writes = new LinkedHashMap<>();
        final boolean onePhase;
        Step step;
        TxnStatus outcome = TxnStatus.PENDING;
        Timestamp commitTs;

        Tx(TxnMeta meta, boolean onePhase) {
            this.meta = meta;
            this.onePhase = onePhase;
            this.step = onePhase ? Step.PREPARE : Step.HEARTBEAT;
        }
    }

    private final TreeMap<String, TreeMap<Timestamp, String>> model = new TreeMap<>();
    private Harness h;
    private long clock;
    private int reads;
    private int checkedReads;

    private Timestamp now() {
        return Timestamp.ofWallNanos(clock);
    }

    private RangeReply run(KvRequest.Builder req) {
        return h.run(req, now()).reply();
    }

    private String modelRead(String key, Timestamp ts) {
        TreeMap<Timestamp, String> v = model.get(key);
        Map.Entry<Timestamp, String> e = v == null ? null : v.floorEntry(ts);
        return e == null ? null : e.getValue();
    }

    private void committed(Tx tx, Timestamp ts) {
        tx.outcome = TxnStatus.COMMITTED;
        tx.commitTs = ts;
        tx.writes.forEach((k, v) -> {
            TreeMap<Timestamp, String> versions = model.computeIfAbsent(k, x -> new TreeMap<>());
            assertTrue(!versions.containsKey(ts) || ts.equals(versions.lastKey()), "two commits of " + k + " at " + ts);
            versions.put(ts, v);
        });
    }

    @Test
    void interleavedTransactionsMatchTheModel() {
        for (int round = 0; round < 20; round++) {
            long seed = SEED + round;
            try {
                runRound(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with -Dmvcc.seed=" + seed + " (round " + round + "): " + e.getMessage(), e);
            }
        }
        assertTrue(checkedReads > 100, "too few reads checked: " + checkedReads + " of " + reads);
    }

    private void runRound(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        h = new Harness();
        model.clear();
        clock = 1_000_000;
        List<Tx> active = new ArrayList<>();
        int started = 0;
        for (int step = 0; step < 400; step++) {
            clock += 1 + rnd.nextInt(1_000);
            int op = rnd.nextInt(10);
            if (op < 2 && active.size() < 6) {
                byte[] id = new byte[16];
                id[0] = (byte) rnd.nextInt(256);
                id[15] = (byte) ++started;
                Timestamp begin = now();
                Tx tx = new Tx(TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setWriteTs(begin.toProto())
                        .setMinTs(begin.toProto()).setAnchorKey(ByteString.copyFromUtf8(KEYS[rnd.nextInt(KEYS.length)]))
                        .build(), rnd.nextInt(4) == 0);
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    tx.writes.put(KEYS[rnd.nextInt(KEYS.length)], rnd.nextInt(5) == 0 ? null : "v" + step);
                }
                active.add(tx);
            } else if (op < 7 && !active.isEmpty()) {
                Tx tx = active.get(rnd.nextInt(active.size()));
                advance(tx, rnd);
                if (tx.step == Step.DONE) active.remove(tx);
            } else {
                read(KEYS[rnd.nextInt(KEYS.length)], Timestamp.ofWallNanos(1_000_000 + rnd.nextLong(clock - 999_999)), rnd);
            }
        }
        // Finish everything: no more contention, so each transaction ends within a few steps.
        for (Tx tx : active) {
            for (int i = 0; i < 20 && tx.step != Step.DONE; i++) {
                clock += 10;
                advance(tx, rnd);
            }
            assertEquals(Step.DONE, tx.step, "transaction did not finish");
        }
        for (String k : KEYS) {
            assertTrue(h.store.map.get(MvccKeys.intentKey(Harness.k(k))) == null, "intent left on " + k);
        }
        for (long wall = 1_000_000; wall <= clock + 1; wall += 1 + rnd.nextInt(3_000)) {
            Timestamp at = Timestamp.ofWallNanos(wall);
            for (String k : KEYS) {
                KvResponse r = Harness.ok(h.txnGet(k, Harness.readAt(null, at, null, null), clock + 2));
                assertEquals(modelRead(k, at), r.getFound() ? r.getValue().toStringUtf8() : null, k + " at " + at);
            }
        }
    }

    private void advance(Tx tx, SplittableRandom rnd) {
        switch (tx.step) {
            case HEARTBEAT -> {
                RangeReply r = run(KvRequest.newBuilder().setTxnHeartbeat(
                        io.conclave.range.rpc.TxnHeartbeat.newBuilder().setTxn(tx.meta)));
                if (r.hasError()) {
                    assertEquals(ErrorResponse.Code.TXN_ABORTED, r.getError().getCode(), r.toString());
                    tx.outcome = TxnStatus.ABORTED;
                    tx.step = Step.DONE; // nothing was prepared
                } else {
                    tx.step = Step.PREPARE;
                }
            }
            case PREPARE -> {
                String[] kv = new String[tx.writes.size() * 2];
                int i = 0;
                for (Map.Entry<String, String> w : tx.writes.entrySet()) {
                    kv[i++] = w.getKey();
                    kv[i++] = w.getValue();
                }
                RangeReply r = h.prepare(tx.meta, tx.onePhase, clock, kv).reply();
                if (r.hasKvResponse()) {
                    Timestamp ts = Timestamp.fromProto(r.getKvResponse().getWriteTs());
                    if (tx.onePhase) {
                        assertTrue(r.getKvResponse().getCommitted());
                        committed(tx, ts);
                        tx.step = Step.DONE;
                    } else {
                        tx.meta = tx.meta.toBuilder().setWriteTs(ts.toProto()).build();
                        tx.step = Step.END;
                    }
                } else if (r.getError().getCode() == ErrorResponse.Code.TXN_RETRY) {
                    tx.meta = tx.meta.toBuilder().setWriteTs(r.getError().getRetryTs()).build(); // blind writes: nothing to refresh
                } else {
                    assertEquals(ErrorResponse.Code.WRITE_INTENT, r.getError().getCode(), r.toString());
                    for (ConflictingIntent c : r.getError().getIntentsList()) {
                        if (!pushAndResolve(tx.meta, c, PushType.PUSH_ABORT, now())) {
                            // Equal priorities wait for each other; without the wait queue's
                            // deadlock detection here, a loser that keeps losing gains priority
                            // (as a restarted transaction does), so a cycle always ends.
                            tx.meta = tx.meta.toBuilder().setPriority(tx.meta.getPriority() + 1).build();
                        }
                    }
                }
            }
            case END -> {
                boolean rollback = rnd.nextInt(10) == 0;
                RangeReply r = h.end(tx.meta, !rollback, rollback ? null : Timestamp.fromProto(tx.meta.getWriteTs()), clock)
                        .reply();
                if (r.hasKvResponse()) {
                    TxnRecord rec = r.getKvResponse().getTxnRecord();
                    if (rec.getStatus() == TxnStatus.COMMITTED) committed(tx, Timestamp.fromProto(rec.getCommitTs()));
                    else tx.outcome = rec.getStatus();
                    assertTrue(rec.getStatus() != TxnStatus.PENDING);
                    tx.step = Step.RESOLVE;
                } else if (r.getError().getCode() == ErrorResponse.Code.TXN_RETRY) {
                    tx.meta = tx.meta.toBuilder().setWriteTs(r.getError().getRetryTs()).build();
                } else {
                    assertEquals(ErrorResponse.Code.TXN_ABORTED, r.getError().getCode(), r.toString());
                    tx.outcome = TxnStatus.ABORTED;
                    tx.step = Step.RESOLVE;
                }
            }
            case RESOLVE -> {
                Harness.ok(h.resolve(tx.meta, tx.outcome, tx.commitTs, clock, tx.writes.keySet().toArray(String[]::new)));
                tx.step = Step.DONE;
            }
            case DONE -> { }
        }
    }

    /** Pushes the intent's transaction and resolves the intent with what the push learned; false if the push lost. */
    private boolean pushAndResolve(TxnMeta pusher, ConflictingIntent c, PushType type, Timestamp pushTo) {
        TxnPush.Builder p = TxnPush.newBuilder().setPushee(c.getTxn()).setType(type).setPushTo(pushTo.toProto());
        if (pusher != null) p.setPusher(pusher);
        RangeReply r = run(KvRequest.newBuilder().setTxnPush(p));
        if (r.hasError()) {
            assertEquals(ErrorResponse.Code.PUSH_FAILED, r.getError().getCode(), r.toString());
            return false;
        }
        TxnRecord rec = r.getKvResponse().getTxnRecord();
        Timestamp commitTs = rec.getStatus() == TxnStatus.COMMITTED ? Timestamp.fromProto(rec.getCommitTs()) : null;
        Harness.ok(h.resolve(rec.getMeta(), rec.getStatus(), commitTs, clock, c.getKey().toStringUtf8()));
        return true;
    }

    private void read(String key, Timestamp at, SplittableRandom rnd) {
        reads++;
        TxnMeta reader = TxnMeta.newBuilder().setId(ByteString.copyFrom(new byte[16]))
                .setMinTs(Timestamp.ofWallNanos(rnd.nextLong(clock)).toProto()).setWriteTs(at.toProto()).build();
        TxnReadOptions opts = Harness.readAt(reader, at, null, null);
        for (int attempt = 0; attempt < 2; attempt++) {
            RangeReply r = h.txnGet(key, opts, clock).reply();
            if (r.hasKvResponse()) {
                checkedReads++;
                assertEquals(modelRead(key, at), r.getKvResponse().getFound() ? r.getKvResponse().getValue().toStringUtf8()
                        : null, key + " at " + at);
                return;
            }
            assertEquals(ErrorResponse.Code.WRITE_INTENT, r.getError().getCode(), r.toString());
            pushAndResolve(reader, r.getError().getIntents(0), PushType.PUSH_TIMESTAMP, at);
        }
    }
}
