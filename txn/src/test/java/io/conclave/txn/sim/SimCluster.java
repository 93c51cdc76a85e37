package io.conclave.txn.sim;

import com.google.protobuf.ByteString;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.OffsetClock;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.client.ClientTime;
import io.conclave.range.client.NodeDialer;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.mvcc.Deadlocks;
import io.conclave.range.mvcc.EvalContext;
import io.conclave.range.mvcc.Evaluation;
import io.conclave.range.mvcc.MvccEvaluator;
import io.conclave.range.mvcc.MvccReader;
import io.conclave.range.mvcc.MvccWriter;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.ReplicaDescriptor;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnWrite;
import io.conclave.storage.KeyValue;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRuntime;
import io.conclave.txn.TxnSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An in-memory cluster for the coordinator: a few nodes, each range served by one of them from
 * a sorted map through the real {@link MvccEvaluator}, range 1 serving the meta and liveness
 * records as raw KV, a timestamp cache per range, one hybrid clock per node over the shared
 * virtual time (with a per-node offset), and commit-wait at the leaseholder. Replication is not
 * what is under test: each range has one replica. Every request is an interleaving point of the
 * {@link SimScheduler}, before it is served and before its answer is delivered.
 */
final class SimCluster {
    static final long MAX_OFFSET_NANOS = 250_000_000L;
    static final int MAX_SCAN_ROWS = 7;
    /** -Dsim.trace=true prints every request a range serves, with its answer. */
    static final boolean TRACE = Boolean.getBoolean("sim.trace");

    final SimScheduler sched;
    /**
     * The scan filter the simulated nodes serve, kind "at-least": keeps 8-byte values (big-endian
     * longs) at or above the 8-byte spec, projected to their last byte; any other value fails it.
     */
    static final io.conclave.range.mvcc.ScanFilter.Factory AT_LEAST = new io.conclave.range.mvcc.ScanFilter.Factory() {
        @Override
        public String kind() {
            return "at-least";
        }

        @Override
        public io.conclave.range.mvcc.ScanFilter compile(byte[] spec) {
            long min = java.nio.ByteBuffer.wrap(spec).getLong();
            return (key, value) -> {
                if (value.length != 8) throw new io.conclave.range.mvcc.ScanFilterException("not a number");
                return java.nio.ByteBuffer.wrap(value).getLong() >= min ? new byte[] {value[7]} : null;
            };
        }
    };

    private final MvccEvaluator evaluator = new MvccEvaluator(MAX_SCAN_ROWS,
            io.conclave.range.mvcc.ScanFilters.of(List.of(AT_LEAST)));
    private final Map<Long, HybridLogicalClock> nodes = new TreeMap<>();
    private final NavigableMap<byte[], byte[]> system = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<Long, SimRange> ranges = new TreeMap<>();
    private final Set<String> crashed = new HashSet<>();
    private final SplittableRandom random;
    /** Every request served, for assertions: "client op r<range>". */
    final List<String> log = new ArrayList<>();

    /** One range: its descriptor, leaseholder, store and timestamp cache. */
    static final class SimRange {
        final RangeDescriptor descriptor;
        final long node;
        final NavigableMap<byte[], byte[]> store = new TreeMap<>(Arrays::compareUnsigned);
        /** User key -> highest read timestamp and the reading txn id (empty: non-transactional). */
        final NavigableMap<byte[], Object[]> readKeys = new TreeMap<>(Arrays::compareUnsigned);
        final List<Object[]> readSpans = new ArrayList<>();
        /** Reads below it are refused (what GC removed). */
        Timestamp gcThreshold = Timestamp.MIN;
        /** Records removed, by record key: the timestamp cache's marks (see MvccKeys.recordMarkerKey). */
        final NavigableMap<byte[], Timestamp> removedRecords = new TreeMap<>(Arrays::compareUnsigned);

        SimRange(RangeDescriptor descriptor, long node) {
            this.descriptor = descriptor;
            this.node = node;
        }
    }

    /**
     * @param splitKeys user keys where ranges start (besides 0x04); range i goes to node (i % nodes) + 1
     * @param nodeOffsetsNanos each node's clock offset from virtual time (within the max offset)
     */
    SimCluster(long seed, List<byte[]> splitKeys, long[] nodeOffsetsNanos) {
        this.random = new SplittableRandom(seed);
        this.sched = new SimScheduler(random.nextLong(), 1_800_000_000_000_000_000L, Duration.ofMinutes(10).toNanos());
        for (int i = 0; i < nodeOffsetsNanos.length; i++) {
            long id = i + 1;
            nodes.put(id, new HybridLogicalClock(new OffsetClock(sched.clock, nodeOffsetsNanos[i]), MAX_OFFSET_NANOS));
            system.put(Keys.livenessKey(id), NodeLiveness.newBuilder().setNodeId(id).setAddress(addr(id)).build()
                    .toByteArray());
        }
        List<byte[]> bounds = new ArrayList<>();
        bounds.add(Keys.USER_START);
        bounds.addAll(splitKeys);
        bounds.add(Keys.KEY_MAX);
        addRange(1, Keys.KEY_MIN, Keys.USER_START, 1);
        for (int i = 0; i + 1 < bounds.size(); i++) {
            addRange(i + 2, bounds.get(i), bounds.get(i + 1), (i % nodeOffsetsNanos.length) + 1);
        }
    }

    private void addRange(long id, byte[] start, byte[] end, long node) {
        RangeDescriptor d = RangeDescriptor.newBuilder().setRangeId(id).setStartKey(ByteString.copyFrom(start))
                .setEndKey(ByteString.copyFrom(end)).addReplicas(ReplicaDescriptor.newBuilder().setNodeId(node)).build();
        ranges.put(id, new SimRange(d, node));
        system.put(Keys.metaKey(end), d.toByteArray());
    }

    static String addr(long node) {
        return "n" + node + ":1";
    }

    static long nodeOf(String hostPort) {
        return Long.parseLong(hostPort.substring(1, hostPort.indexOf(':')));
    }

    /** Virtual time as the range client sees it. */
    ClientTime clientTime() {
        return new VirtualTime();
    }

    /** The scheduler's clock and sleep, for range clients and (through {@link SimRuntime}) coordinators. */
    class VirtualTime implements ClientTime {
        @Override
        public long nanoTime() {
            return sched.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) {
            sched.sleep(nanos);
        }
    }

    /** A transaction client named {@code name} (a coordinator that {@link #crash} can stop). */
    TxnClient client(String name, TxnSettings settings) {
        RangeClientSettings rs = new RangeClientSettings(Duration.ofSeconds(3), Duration.ofSeconds(15),
                Duration.ofMillis(10), Duration.ofMillis(500), 4);
        RangeClient rc = new RangeClient(dialer(name), List.of(addr(1)), rs, clientTime(), random.nextLong());
        return new TxnClient(rc, settings, new SimRuntime(name, random.nextLong()));
    }

    /** From now on every request of client {@code name} (and its heartbeats) stops its thread. */
    void crash(String name) {
        synchronized (crashed) {
            crashed.add(name);
        }
    }

    private boolean isCrashed(String name) {
        synchronized (crashed) {
            return crashed.contains(name);
        }
    }

    NodeDialer dialer(String client) {
        return new NodeDialer() {
            @Override
            public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
                if (isCrashed(client)) throw new SimScheduler.Stop(client + " crashed");
                HookAt hook = nodeOf(hostPort) == leaseholderOf(request) ? takeHook(client, request.getOpCase()) : null;
                if (hook != null && hook.hook() == Hook.DELAY_BEFORE) sched.sleep(hook.nanos());
                if (hook != null && hook.hook() == Hook.CRASH_BEFORE) crash(client);
                sched.yieldNow();
                if (isCrashed(client)) throw new SimScheduler.Stop(client + " crashed");
                RangeReply reply = serve(client, nodeOf(hostPort), request);
                if (hook != null && hook.hook() == Hook.CRASH_AFTER) crash(client);
                sched.yieldNow();
                if (isCrashed(client)) throw new SimScheduler.Stop(client + " crashed");
                if (hook != null && hook.hook() == Hook.LOSE_ANSWER) {
                    return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("answer lost"));
                }
                return CompletableFuture.completedFuture(reply);
            }

            @Override
            public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
                if (isCrashed(client)) throw new SimScheduler.Stop(client + " crashed");
                sched.yieldNow();
                long node = nodeOf(hostPort);
                if (!request.hasNow()) return CompletableFuture.completedFuture(error(ErrorResponse.Code.BAD_REQUEST,
                        "the simulation serves only clock readings"));
                return CompletableFuture.completedFuture(RangeReply.newBuilder().setAdminResponse(AdminResponse.newBuilder()
                        .setNodeId(node).setNow(nodes.get(node).now().toProto()).setMaxOffsetNanos(MAX_OFFSET_NANOS)).build());
            }

            @Override
            public void close() {}
        };
    }

    /** What a client does at one of its requests instead of sending it normally. */
    enum Hook { DELAY_BEFORE, CRASH_BEFORE, CRASH_AFTER, LOSE_ANSWER }

    private record HookAt(String client, KvRequest.OpCase op, Hook hook, long nanos) {}

    private final List<HookAt> hooks = new ArrayList<>();

    /** The next {@code op} request of {@code client} triggers {@code hook} (once). */
    void hook(String client, KvRequest.OpCase op, Hook hook, long delayNanos) {
        synchronized (hooks) {
            hooks.add(new HookAt(client, op, hook, delayNanos));
        }
    }

    private HookAt takeHook(String client, KvRequest.OpCase op) {
        synchronized (hooks) {
            for (int i = 0; i < hooks.size(); i++) {
                HookAt h = hooks.get(i);
                if (h.client().equals(client) && h.op() == op) return hooks.remove(i);
            }
            return null;
        }
    }

    /** Transaction records stored on every range now (finished ones are removed once resolved). */
    int recordCount() {
        int n = 0;
        for (SimRange r : ranges.values()) {
            if (r.descriptor.getRangeId() == 1) continue;
            for (byte[] k : r.store.keySet()) {
                if (io.conclave.range.mvcc.MvccKeys.decode(k).kind() == io.conclave.range.mvcc.MvccKeys.Kind.RECORD) n++;
            }
        }
        return n;
    }

    /** Raises range {@code rangeId}'s GC threshold (the simulation removes nothing; reads below are refused). */
    void setGcThreshold(long rangeId, Timestamp threshold) {
        ranges.get(rangeId).gcThreshold = threshold;
    }

    /**
     * Splits range {@code rangeId} at {@code splitKey} as the range layer does: the left keeps
     * the id, the right gets a new one on the same node, data (versions, intents, records) and
     * the timestamp cache go with their keys, and both meta records are rewritten. Clients learn
     * of it from RANGE_KEY_MISMATCH. Returns the right-hand range's id.
     */
    long split(long rangeId, byte[] splitKey) {
        SimRange old = ranges.get(rangeId);
        long newId = ranges.keySet().stream().mapToLong(Long::longValue).max().orElse(1) + 1;
        RangeDescriptor left = old.descriptor.toBuilder().setEndKey(ByteString.copyFrom(splitKey))
                .setGeneration(old.descriptor.getGeneration() + 1).build();
        RangeDescriptor right = old.descriptor.toBuilder().setRangeId(newId).setStartKey(ByteString.copyFrom(splitKey))
                .setGeneration(old.descriptor.getGeneration() + 1).build();
        SimRange l = new SimRange(left, old.node);
        SimRange r = new SimRange(right, old.node);
        byte[] boundary = io.conclave.range.mvcc.MvccKeys.storeKey(splitKey);
        l.store.putAll(old.store.headMap(boundary, false));
        r.store.putAll(old.store.tailMap(boundary, true));
        for (SimRange half : List.of(l, r)) {
            half.removedRecords.putAll(old.removedRecords);
            half.readKeys.putAll(old.readKeys);
            half.readSpans.addAll(old.readSpans);
            half.gcThreshold = old.gcThreshold;
        }
        ranges.put(rangeId, l);
        ranges.put(newId, r);
        system.put(Keys.metaKey(splitKey), left.toByteArray());
        system.put(Keys.metaKey(right.getEndKey().toByteArray()), right.toByteArray());
        return newId;
    }

    /** Null if every key the request names lies in {@code d} (a transactional scan's end too), else which does not. */
    private static byte[] outside(RangeDescriptor d, KvRequest req) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        List<byte[]> keys = new ArrayList<>();
        switch (req.getOpCase()) {
            case GET -> keys.add(req.getGet().getKey().toByteArray());
            case PUT -> keys.add(req.getPut().getKey().toByteArray());
            case DELETE -> keys.add(req.getDelete().getKey().toByteArray());
            case CONDITIONAL_PUT -> keys.add(req.getConditionalPut().getKey().toByteArray());
            case INCREMENT -> keys.add(req.getIncrement().getKey().toByteArray());
            case SCAN -> keys.add(req.getScan().getStartKey().toByteArray());
            case TXN_GET -> keys.add(req.getTxnGet().getKey().toByteArray());
            case TXN_SCAN -> {
                keys.add(req.getTxnScan().getStartKey().toByteArray());
                byte[] e = req.getTxnScan().getEndKey().toByteArray();
                if (Keys.compare(e, end) > 0) return e;
            }
            case TXN_PREPARE -> req.getTxnPrepare().getWritesList().forEach(w -> keys.add(w.getKey().toByteArray()));
            case TXN_HEARTBEAT -> keys.add(req.getTxnHeartbeat().getTxn().getAnchorKey().toByteArray());
            case TXN_END -> {
                keys.add(req.getTxnEnd().getTxn().getAnchorKey().toByteArray());
                req.getTxnEnd().getResolveKeysList().forEach(k -> keys.add(k.toByteArray()));
            }
            case TXN_PUSH -> keys.add(req.getTxnPush().getPushee().getAnchorKey().toByteArray());
            case TXN_QUERY -> keys.add(req.getTxnQuery().getTxn().getAnchorKey().toByteArray());
            case TXN_RESOLVE -> {
                req.getTxnResolve().getKeysList().forEach(k -> keys.add(k.toByteArray()));
                if (req.getTxnResolve().getRemoveRecord()) keys.add(req.getTxnResolve().getTxn().getAnchorKey().toByteArray());
            }
            case TXN_REFRESH -> {
                req.getTxnRefresh().getKeysList().forEach(k -> keys.add(k.toByteArray()));
                req.getTxnRefresh().getSpansList().forEach(sp -> keys.add(sp.getStartKey().toByteArray()));
            }
            default -> { }
        }
        for (byte[] k : keys) if (!Keys.contains(start, end, k)) return k;
        return null;
    }

    /** A plain range client (non-transactional puts and gets) named {@code name}. */
    RangeClient rangeClient(String name) {
        RangeClientSettings rs = new RangeClientSettings(Duration.ofSeconds(3), Duration.ofSeconds(15),
                Duration.ofMillis(10), Duration.ofMillis(500), 4);
        return new RangeClient(dialer(name), List.of(addr(1)), rs, clientTime(), random.nextLong());
    }

    private long leaseholderOf(KvRequest req) {
        SimRange r = ranges.get(req.getRangeId());
        return r == null ? -1 : r.node;
    }

    /**
     * Pushes waiting in some range's txn wait queue: range id, the push, and until when its edge
     * counts (Long.MAX_VALUE while it waits; a while after it was answered, as the queue does).
     */
    private final List<Object[]> waitingPushes = new ArrayList<>();
    /** How often a waiting push is evaluated again: the simulation's stand-in for the queue's wake-ups. */
    static final long PUSH_RECHECK_NANOS = 5_000_000L;
    /** Deadlocks broken (a push found a cycle and aborted its victim), for assertions. */
    int deadlocksBroken;

    /**
     * Serves a request as a leaseholder does, with its txn wait queue: a push that loses and
     * asked to wait waits (evaluated again every {@link #PUSH_RECHECK_NANOS}) until it wins or its
     * time is up; one whose waits-for edges close a cycle whose victim is the pushee aborts it at
     * once; a query's answer carries the edges into the queried transaction.
     */
    private RangeReply serve(String client, long node, KvRequest req) {
        RangeReply reply = serveOnce(client, node, req);
        if (req.hasTxnQuery() && reply.hasKvResponse()) {
            List<TxnPush> here = new ArrayList<>();
            synchronized (waitingPushes) {
                waitingPushes.removeIf(w -> (long) w[2] <= sched.nanoTime());
                for (Object[] w : waitingPushes) if ((long) w[0] == req.getRangeId()) here.add((TxnPush) w[1]);
            }
            return RangeReply.newBuilder().setKvResponse(reply.getKvResponse().toBuilder()
                    .addAllWaitsFor(Deadlocks.edgesInto(req.getTxnQuery().getTxn().getId(), here))).build();
        }
        if (!req.hasTxnPush() || req.getTxnPush().getWaitMillis() == 0 || !reply.hasError()
                || reply.getError().getCode() != ErrorResponse.Code.PUSH_FAILED) {
            return reply;
        }
        TxnPush push = req.getTxnPush();
        List<TxnMeta> cycle = Deadlocks.cycle(push.getPusher(), push.getPushee(), push.getWaitsForList());
        if (!cycle.isEmpty() && push.getType() != PushType.PUSH_TOUCH
                && Deadlocks.victim(cycle).getId().equals(push.getPushee().getId())) {
            deadlocksBroken++;
            return serveOnce(client, node, req.toBuilder().setTxnPush(push.toBuilder().setDeadlockVictim(true)).build());
        }
        Object[] entry = {req.getRangeId(), push, Long.MAX_VALUE};
        synchronized (waitingPushes) {
            waitingPushes.removeIf(w -> (long) w[0] == req.getRangeId()
                    && ((TxnPush) w[1]).getPusher().getId().equals(push.getPusher().getId())
                    && ((TxnPush) w[1]).getPushee().getId().equals(push.getPushee().getId()));
            waitingPushes.add(entry);
        }
        boolean won = false;
        try {
            long until = sched.nanoTime() + Math.min(2_000_000_000L, push.getWaitMillis() * 1_000_000L);
            while (sched.nanoTime() < until) {
                sched.sleep(PUSH_RECHECK_NANOS);
                if (isCrashed(client)) throw new SimScheduler.Stop(client + " crashed");
                reply = serveOnce(client, node, req);
                if (!reply.hasError() || reply.getError().getCode() != ErrorResponse.Code.PUSH_FAILED) {
                    won = true;
                    return reply;
                }
            }
            return reply;
        } finally {
            synchronized (waitingPushes) {
                if (won) {
                    waitingPushes.remove(entry);
                } else {
                    entry[2] = sched.nanoTime() + 1_000_000_000L;
                }
            }
        }
    }

    private RangeReply serveOnce(String client, long node, KvRequest req) {
        SimRange r = ranges.get(req.getRangeId());
        if (r == null) return error(ErrorResponse.Code.RANGE_NOT_FOUND, "no range r" + req.getRangeId());
        log.add(client + " " + req.getOpCase() + " r" + req.getRangeId());
        if (r.node != node) {
            return RangeReply.newBuilder().setError(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.NOT_LEASEHOLDER)
                    .setMessage("n" + node + " does not hold r" + req.getRangeId()).setLeaderHint(r.node)
                    .setLeaderAddress(addr(r.node)).setRangeId(req.getRangeId())).build();
        }
        if (req.getRangeId() == 1) return serveSystem(req);
        byte[] stray = outside(r.descriptor, req);
        if (stray != null) {
            ErrorResponse.Builder e = ErrorResponse.newBuilder().setCode(ErrorResponse.Code.RANGE_KEY_MISMATCH)
                    .setMessage(Keys.pretty(stray) + " is not in r" + r.descriptor.getRangeId())
                    .setRangeId(r.descriptor.getRangeId()).addDescriptors(r.descriptor);
            for (SimRange other : ranges.values()) {
                if (other != r && Keys.contains(other.descriptor.getStartKey().toByteArray(),
                        other.descriptor.getEndKey().toByteArray(), stray)) {
                    e.addDescriptors(other.descriptor);
                }
            }
            return RangeReply.newBuilder().setError(e).build();
        }
        HybridLogicalClock hlc = nodes.get(node);
        Timestamp now = hlc.now();
        Timestamp readTs = switch (req.getOpCase()) {
            case TXN_GET -> Timestamp.fromProto(req.getTxnGet().getRead().getReadTs());
            case TXN_SCAN -> Timestamp.fromProto(req.getTxnScan().getRead().getReadTs());
            case TXN_REFRESH -> Timestamp.fromProto(req.getTxnRefresh().getToTs());
            default -> null;
        };
        if (readTs != null && readTs.isAfter(now)) {
            // As nodes do: a read's timestamp is absorbed into the clock, unless too far ahead.
            try {
                hlc.update(readTs);
            } catch (io.conclave.clock.ClockOffsetException e) {
                return error(ErrorResponse.Code.CLOCK_OFFSET, "read timestamp " + readTs
                        + " is more than the max offset ahead of n" + node + "'s clock");
            }
        }
        Timestamp floor = writeFloor(r, req);
        io.conclave.range.rpc.TxnMeta recordOf = req.hasTxnHeartbeat() ? req.getTxnHeartbeat().getTxn()
                : req.hasTxnEnd() ? req.getTxnEnd().getTxn() : req.hasTxnPush() ? req.getTxnPush().getPushee() : null;
        if (recordOf != null) {
            Timestamp mark = r.removedRecords.get(io.conclave.range.mvcc.MvccKeys.recordMarkerKey(
                    recordOf.getAnchorKey().toByteArray(), recordOf.getId().toByteArray()));
            floor = mark == null ? Timestamp.MIN : mark.next();
        }
        if (req.hasTxnResolve() && req.getTxnResolve().getRemoveRecord()) {
            io.conclave.range.rpc.TxnMeta t = req.getTxnResolve().getTxn();
            r.removedRecords.put(io.conclave.range.mvcc.MvccKeys.recordMarkerKey(t.getAnchorKey().toByteArray(),
                    t.getId().toByteArray()), Timestamp.max(now, Timestamp.fromProto(t.getWriteTs())));
        }
        EvalContext ctx = new EvalContext(now, floor, node, Timestamp.MIN, r.gcThreshold,
                MvccEvaluator.TXN_EXPIRATION_NANOS);
        byte[] start = r.descriptor.getStartKey().toByteArray();
        byte[] end = r.descriptor.getEndKey().toByteArray();
        MvccReader reader = new MvccReader() {
            @Override
            public byte[] get(byte[] storeKey) {
                return r.store.get(storeKey);
            }

            @Override
            public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
                List<KeyValue> out = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : r.store.subMap(from, true, to, false).entrySet()) {
                    if (out.size() >= limit) break;
                    out.add(new KeyValue(e.getKey(), e.getValue()));
                }
                return out;
            }
        };
        MvccWriter writer = new MvccWriter() {
            @Override
            public void put(byte[] storeKey, byte[] value) {
                r.store.put(storeKey.clone(), value.clone());
            }

            @Override
            public void delete(byte[] storeKey) {
                r.store.remove(storeKey);
            }
        };
        Evaluation ev = evaluator.evaluate(req, start, end, reader, writer, ctx);
        recordReads(r, ev, readerTxn(req));
        RangeReply reply = ev.reply();
        if (TRACE) {
            System.out.println("TRACE " + sched.nanoTime() + " " + client + " r" + req.getRangeId() + " now=" + now
                    + " floor=" + ctx.writeFloor() + "\n   REQ " + com.google.protobuf.TextFormat.shortDebugString(req)
                    + "\n   REP " + com.google.protobuf.TextFormat.shortDebugString(reply));
        }
        boolean onePhaseWait = req.hasTxnPrepare() && req.getTxnPrepare().getOnePhase()
                && req.getTxnPrepare().getCommitWait() && reply.hasKvResponse() && reply.getKvResponse().getCommitted();
        if (onePhaseWait || (req.hasTxnEnd() && req.getTxnEnd().getCommit() && req.getTxnEnd().getCommitWait()
                && reply.hasKvResponse())) {
            // As the leaseholder's scheduler does: the commit's answer waits out the max offset.
            Timestamp commitTs = onePhaseWait
                    ? Timestamp.fromProto(reply.getKvResponse().hasWriteTs() ? reply.getKvResponse().getWriteTs()
                            : req.getTxnPrepare().getTxn().getWriteTs())
                    : Timestamp.fromProto(req.getTxnEnd().getCommitTs());
            long waitNanos = commitTs.wallNanos() + MAX_OFFSET_NANOS - hlc.physicalNowNanos() + 1;
            if (waitNanos > 0) {
                sched.sleep(waitNanos);
                reply = RangeReply.newBuilder().setKvResponse(reply.getKvResponse().toBuilder()
                        .setCommitWaitNanos(waitNanos)).build();
            }
        }
        return reply;
    }

    private RangeReply serveSystem(KvRequest req) {
        KvResponse.Builder resp = KvResponse.newBuilder();
        switch (req.getOpCase()) {
            case GET -> {
                byte[] v = system.get(req.getGet().getKey().toByteArray());
                if (v != null) resp.setFound(true).setValue(ByteString.copyFrom(v));
            }
            case SCAN -> {
                int limit = req.getScan().getLimit() == 0 ? Integer.MAX_VALUE : req.getScan().getLimit();
                for (Map.Entry<byte[], byte[]> e : system.subMap(req.getScan().getStartKey().toByteArray(), true,
                        req.getScan().getEndKey().toByteArray(), false).entrySet()) {
                    if (resp.getPairsCount() >= limit) {
                        resp.setResumeKey(ByteString.copyFrom(e.getKey()));
                        break;
                    }
                    resp.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(e.getKey()))
                            .setValue(ByteString.copyFrom(e.getValue())));
                }
            }
            default -> {
                return error(ErrorResponse.Code.BAD_REQUEST, "range 1 of the simulation serves get and scan only");
            }
        }
        return RangeReply.newBuilder().setKvResponse(resp.setNodeId(1)).build();
    }

    // ---- timestamp cache ----------------------------------------------------------------------

    private static ByteString readerTxn(KvRequest req) {
        TxnReadOptions o = switch (req.getOpCase()) {
            case TXN_GET -> req.getTxnGet().getRead();
            case TXN_SCAN -> req.getTxnScan().getRead();
            default -> null;
        };
        if (o != null) return o.getTxn().getId();
        if (req.hasTxnRefresh()) return req.getTxnRefresh().getTxn().getId();
        if (req.hasTxnPrepare()) return req.getTxnPrepare().getTxn().getId();
        return ByteString.EMPTY;
    }

    private static void recordReads(SimRange r, Evaluation ev, ByteString txn) {
        if (ev.readTs().equals(Timestamp.MIN)) return;
        for (byte[] k : ev.readKeys()) {
            Object[] old = r.readKeys.get(k);
            if (old == null || ev.readTs().isAfter((Timestamp) old[0])) {
                r.readKeys.put(k.clone(), new Object[] {ev.readTs(), txn});
            } else if (ev.readTs().equals(old[0]) && !txn.equals(old[1])) {
                // Two readers at the same timestamp: neither may write there, so the entry names none.
                r.readKeys.put(k.clone(), new Object[] {ev.readTs(), ByteString.EMPTY});
            }
        }
        for (byte[][] s : ev.readSpans()) r.readSpans.add(new Object[] {s[0].clone(), s[1].clone(), ev.readTs(), txn});
    }

    /** The highest read of the request's written keys by anyone else, next(); MIN if none. */
    private static Timestamp writeFloor(SimRange r, KvRequest req) {
        List<byte[]> keys = new ArrayList<>();
        ByteString txn = ByteString.EMPTY;
        switch (req.getOpCase()) {
            case TXN_PREPARE -> {
                txn = req.getTxnPrepare().getTxn().getId();
                for (TxnWrite w : req.getTxnPrepare().getWritesList()) keys.add(w.getKey().toByteArray());
            }
            case PUT -> keys.add(req.getPut().getKey().toByteArray());
            case DELETE -> keys.add(req.getDelete().getKey().toByteArray());
            case CONDITIONAL_PUT -> keys.add(req.getConditionalPut().getKey().toByteArray());
            case INCREMENT -> keys.add(req.getIncrement().getKey().toByteArray());
            default -> {
                return Timestamp.MIN;
            }
        }
        Timestamp max = Timestamp.MIN;
        for (byte[] k : keys) {
            Object[] e = r.readKeys.get(k);
            if (e != null && (txn.isEmpty() || !txn.equals(e[1]))) max = Timestamp.max(max, (Timestamp) e[0]);
            for (Object[] s : r.readSpans) {
                if (Keys.compare((byte[]) s[0], k) <= 0 && Keys.compare(k, (byte[]) s[1]) < 0
                        && (txn.isEmpty() || !txn.equals(s[3]))) {
                    max = Timestamp.max(max, (Timestamp) s[2]);
                }
            }
        }
        return max.equals(Timestamp.MIN) ? Timestamp.MIN : max.next();
    }

    private static RangeReply error(ErrorResponse.Code code, String message) {
        return RangeReply.newBuilder().setError(ErrorResponse.newBuilder().setCode(code).setMessage(message)).build();
    }

    /** {@link TxnRuntime} on the simulation: virtual time, simulated threads, a seeded id source. */
    final class SimRuntime extends VirtualTime implements TxnRuntime {
        private final String name;
        private final SplittableRandom ids;
        private int spawned;

        SimRuntime(String name, long seed) {
            this.name = name;
            this.ids = new SplittableRandom(seed);
        }

        @Override
        public AutoCloseable every(long periodNanos, Runnable task) {
            boolean[] closed = {false};
            sched.spawn(name + "-heartbeat-" + (++spawned), true, () -> {
                for (int i = 0; i < 100_000 && !closed[0]; i++) {
                    sched.sleep(periodNanos);
                    if (closed[0]) return;
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // As in production: the next period tries again.
                    }
                }
            });
            return () -> closed[0] = true;
        }

        @Override
        public void async(Runnable task) {
            sched.spawn(name + "-async-" + (++spawned), false, task);
        }

        /** One after the other (the interleaving comes from the scheduler), in a seeded order. */
        @Override
        public <T> List<T> all(List<Supplier<T>> tasks) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) order.add(i);
            for (int i = order.size() - 1; i > 0; i--) {
                int j = ids.nextInt(i + 1);
                order.set(i, order.set(j, order.get(i)));
            }
            List<T> out = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), (T) null));
            for (int i : order) out.set(i, tasks.get(i).get());
            return out;
        }

        @Override
        public void randomBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) out[i] = (byte) ids.nextInt(256);
        }

        @Override
        public void close() {}
    }
}
