package io.conclave.range.client;

import com.google.protobuf.ByteString;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvConditionalPut;
import io.conclave.range.rpc.KvDelete;
import io.conclave.range.rpc.KvDeleteRange;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvIncrement;
import io.conclave.range.rpc.KvMetaUpdates;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RemoveReplica;
import io.conclave.range.rpc.SplitRange;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.range.rpc.TransferLease;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of a Conclave cluster's ranges: finds the range of each key through its
 * {@link RangeCache} (filled from the meta records on range 1), sends each request to that
 * range's leaseholder, and retries until it succeeds, fails for good or the deadline passes.
 * Thread-safe; all calls are synchronous and bounded by {@link RangeClientSettings#deadline()}.
 *
 * <p>See the package documentation for the retry policy and its hazards.
 */
public final class RangeClient implements AutoCloseable {
    /** Meta records fetched per lookup: the following ranges come along for the next keys. */
    static final int META_PREFETCH = 8;
    /** Meta records per page when listing all ranges. */
    static final int META_PAGE = 1000;
    /** Upper bound of per-range pieces in one multi-range call (scan pages, delete pieces). */
    static final int MAX_PIECES_PER_CALL = 1 << 20;

    private static final AtomicInteger CLIENT_NUMBER = new AtomicInteger();

    private final NodeDialer dialer;
    private final List<String> seeds;
    private final RangeClientSettings settings;
    private final ClientTime time;
    private final RangeCache cache = new RangeCache();
    private final Sender sender;
    private final ExecutorService parallel;
    /** Where {@link #now()} starts: the node that answered last. */
    private final AtomicInteger nowCursor = new AtomicInteger();

    /** A client over {@code dialer}; {@code seedHostPorts} are nodes to start from. No I/O yet. */
    public RangeClient(NodeDialer dialer, List<String> seedHostPorts, RangeClientSettings settings) {
        this(dialer, seedHostPorts, settings, ClientTime.SYSTEM,
                31L * seedHostPorts.hashCode() + System.identityHashCode(dialer));
    }

    /** As above with the seed of the backoff jitter given, for reproducible runs. */
    public RangeClient(NodeDialer dialer, List<String> seedHostPorts, RangeClientSettings settings, long randomSeed) {
        this(dialer, seedHostPorts, settings, ClientTime.SYSTEM, randomSeed);
    }

    /**
     * As above with the client's time given too: a simulation runs the retry policy on virtual
     * time ({@link ClientTime#sleepNanos} advances it).
     */
    public RangeClient(NodeDialer dialer, List<String> seedHostPorts, RangeClientSettings settings, ClientTime time,
            long randomSeed) {
        if (dialer == null || settings == null || time == null) {
            throw new IllegalArgumentException("dialer, settings and time must be set");
        }
        if (seedHostPorts == null || seedHostPorts.isEmpty()) {
            throw new IllegalArgumentException("at least one node address (host:port) is required");
        }
        this.dialer = dialer;
        this.seeds = List.copyOf(seedHostPorts);
        this.settings = settings;
        this.time = time;
        this.sender = new Sender(dialer, seeds, cache, settings, time, new SplittableRandom(randomSeed));
        int number = CLIENT_NUMBER.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "conclave-range-client-" + number + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.parallel = Executors.newFixedThreadPool(settings.maxParallelRequests(), threads);
    }

    public RangeClientSettings settings() {
        return settings;
    }

    // ---- KV ----------------------------------------------------------------------------------

    /** The value of {@code key}, read at its range's leaseholder (sees every acknowledged write). */
    public Optional<byte[]> get(byte[] key) {
        checkKey(key);
        KvRequest.Builder r = KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(bytes(key)));
        KvResponse resp = sender.kv(key, r, Sender.Idempotence.IDEMPOTENT, "get " + Keys.pretty(key),
                deadline()).response();
        return resp.getFound() ? Optional.of(resp.getValue().toByteArray()) : Optional.empty();
    }

    /** The values of {@code keys} in order, read in parallel (at most maxParallelRequests at once). */
    public List<Optional<byte[]>> getAll(List<byte[]> keys) {
        return inParallel(keys, this::get);
    }

    public void put(byte[] key, byte[] value) {
        checkKey(key);
        checkValue(value);
        KvRequest.Builder r = KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(bytes(key)).setValue(bytes(value)));
        // Not idempotent under concurrency: replayed after an ambiguous attempt, a put would revert
        // writes made in between by other clients (see the package documentation).
        sender.kv(key, r, Sender.Idempotence.NOT_IDEMPOTENT, "put " + Keys.pretty(key), deadline());
    }

    /** Writes every pair, in parallel (at most maxParallelRequests at once); no atomicity across keys. */
    public void putAll(List<KeyValue> pairs) {
        inParallel(pairs, kv -> {
            put(kv.key(), kv.value());
            return null;
        });
    }

    public void delete(byte[] key) {
        checkKey(key);
        KvRequest.Builder r = KvRequest.newBuilder().setDelete(KvDelete.newBuilder().setKey(bytes(key)));
        sender.kv(key, r, Sender.Idempotence.NOT_IDEMPOTENT, "delete " + Keys.pretty(key), deadline());
    }

    /**
     * Writes {@code value} if {@code key} currently holds {@code expected} (empty: is absent),
     * otherwise throws {@link ConditionFailedException} with the actual value. Never retried after
     * an ambiguous failure: then it throws {@link KvException} with AMBIGUOUS_RESULT.
     */
    public void conditionalPut(byte[] key, byte[] value, Optional<byte[]> expected) {
        checkKey(key);
        checkValue(value);
        KvConditionalPut.Builder c = KvConditionalPut.newBuilder().setKey(bytes(key)).setValue(bytes(value));
        if (expected.isPresent()) {
            c.setExpectedValue(bytes(expected.get()));
        } else {
            c.setExpectAbsent(true);
        }
        sender.kv(key, KvRequest.newBuilder().setConditionalPut(c), Sender.Idempotence.NOT_IDEMPOTENT,
                "conditional put " + Keys.pretty(key), deadline());
    }

    /**
     * Adds {@code delta} to the 8-byte big-endian counter at {@code key} (absent = 0) and returns
     * the new value. Never retried after an ambiguous failure (AMBIGUOUS_RESULT).
     */
    public long increment(byte[] key, long delta) {
        return increment(key, delta, Sender.Idempotence.NOT_IDEMPOTENT);
    }

    /**
     * Up to {@code limit} pairs with {@code startInclusive <= key < endExclusive} in key order,
     * across as many ranges as needed (one after the other, so the limit is honoured exactly).
     */
    public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        if (limit < 1) throw new KvException(ErrorResponse.Code.BAD_REQUEST, "scan limit must be >= 1, was " + limit);
        Deadline deadline = deadline();
        byte[] cursor = clampStart(startInclusive);
        List<KeyValue> rows = new ArrayList<>();
        for (int piece = 0; piece < MAX_PIECES_PER_CALL; piece++) {
            if (Keys.compare(cursor, endExclusive) >= 0 || rows.size() >= limit) return rows;
            final byte[] from = cursor;
            final int remaining = limit - rows.size();
            Sender.Routed routed = sender.call(Sender.Op.kv(from, Sender.Idempotence.IDEMPOTENT,
                    "scan [" + Keys.pretty(from) + ", " + Keys.pretty(endExclusive) + ")", d -> {
                        byte[] to = min(endExclusive, d.getEndKey().toByteArray());
                        return KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(bytes(from))
                                .setEndKey(bytes(to)).setLimit(remaining)).build();
                    }), deadline);
            KvResponse resp = routed.response();
            for (KvPair p : resp.getPairsList()) {
                if (rows.size() >= limit) break;
                rows.add(new KeyValue(p.getKey().toByteArray(), p.getValue().toByteArray()));
            }
            byte[] next = resp.getResumeKey().isEmpty()
                    ? min(endExclusive, routed.descriptor().getEndKey().toByteArray())
                    : resp.getResumeKey().toByteArray();
            if (Keys.compare(next, cursor) <= 0) {
                throw new KvException(ErrorResponse.Code.INTERNAL, "scan made no progress at " + Keys.pretty(cursor)
                        + " in range r" + routed.descriptor().getRangeId() + " (resume key " + Keys.pretty(next) + ")");
            }
            cursor = next;
        }
        throw new KvException(ErrorResponse.Code.INTERNAL, "scan crossed more than " + MAX_PIECES_PER_CALL + " pieces");
    }

    /**
     * Deletes every key of {@code [startInclusive, endExclusive)}; the ranges are cleared in
     * parallel. Returns how many keys were deleted (a retried piece may count fewer).
     */
    public long deleteRange(byte[] startInclusive, byte[] endExclusive) {
        checkKey(startInclusive);
        if (Keys.compare(startInclusive, endExclusive) >= 0) return 0;
        Deadline deadline = deadline();
        List<byte[][]> pieces = new ArrayList<>();
        byte[] cursor = startInclusive;
        while (Keys.compare(cursor, endExclusive) < 0) {
            if (pieces.size() >= MAX_PIECES_PER_CALL) {
                throw new KvException(ErrorResponse.Code.INTERNAL, "delete range crossed more than "
                        + MAX_PIECES_PER_CALL + " ranges");
            }
            RangeDescriptor d = sender.resolve(cursor, deadline);
            byte[] to = min(endExclusive, d.getEndKey().toByteArray());
            pieces.add(new byte[][] {cursor, to});
            cursor = to;
        }
        long deleted = 0;
        for (Long n : inParallel(pieces, p -> deleteRangeSequential(p[0], p[1], deadline))) deleted += n;
        return deleted;
    }

    // ---- transactions: generic routed requests -------------------------------------------------

    /**
     * Sends {@code request} to the leaseholder of the range holding {@code routingKey}, with its
     * range id filled in, retrying NOT_LEASEHOLDER, RANGE_KEY_MISMATCH and node failures like the
     * typed calls. An {@code idempotent} request is also retried after an ambiguous failure; any
     * other fails with AMBIGUOUS_RESULT then. Every other error answer (WRITE_INTENT, TXN_RETRY,
     * PUSH_FAILED, ...) is thrown as a {@link KvException} whose {@link KvException#error()} is
     * the node's answer, for a transaction coordinator to act on.
     */
    public KvResponse send(byte[] routingKey, KvRequest request, boolean idempotent) {
        return sendRouted(routingKey, d -> request, idempotent).response();
    }

    /**
     * As {@link #send}, with the request built for the descriptor of each attempt (a scan clipped
     * to the range's current span, a prepare checking that its keys still fit); the builder may
     * throw {@link RangeChangedException} to stop without sending. The answer names the range and
     * the node that served it.
     */
    public RoutedResponse sendRouted(byte[] routingKey, java.util.function.Function<RangeDescriptor, KvRequest> build,
            boolean idempotent) {
        return sendRouted(routingKey, (d, hostPort) -> build.apply(d), idempotent);
    }

    /**
     * As above, the request built also knowing the node ({@code HOST:PORT}) it goes to: a
     * transaction's read names its observed timestamp of that node.
     */
    public RoutedResponse sendRouted(byte[] routingKey,
            java.util.function.BiFunction<RangeDescriptor, String, KvRequest> build, boolean idempotent) {
        if (routingKey == null) throw new KvException(ErrorResponse.Code.BAD_REQUEST, "routing key must be set");
        Sender.Routed r = sender.call(Sender.Op.txn(routingKey, idempotent ? Sender.Idempotence.IDEMPOTENT
                : Sender.Idempotence.NOT_IDEMPOTENT, "transaction request at " + Keys.pretty(routingKey), build),
                deadline());
        return new RoutedResponse(r.descriptor(), r.response(), r.hostPort());
    }

    /**
     * The ranges overlapping {@code [startInclusive, endExclusive)} in key order, from the cache
     * (meta is read for the gaps). A range that split since it was cached shows up as it was:
     * requests built from it get RANGE_KEY_MISMATCH and the cache heals.
     */
    public List<RangeDescriptor> rangesOverlapping(byte[] startInclusive, byte[] endExclusive) {
        Deadline deadline = deadline();
        List<RangeDescriptor> out = new ArrayList<>();
        byte[] cursor = startInclusive;
        for (int piece = 0; piece < MAX_PIECES_PER_CALL && Keys.compare(cursor, endExclusive) < 0; piece++) {
            RangeDescriptor d = sender.resolve(cursor, deadline);
            out.add(d);
            byte[] end = d.getEndKey().toByteArray();
            if (Keys.compare(end, cursor) <= 0) {
                throw new KvException(ErrorResponse.Code.INTERNAL, "range r" + d.getRangeId() + " ends at "
                        + Keys.pretty(end) + ", not after " + Keys.pretty(cursor));
            }
            cursor = end;
        }
        return out;
    }

    /**
     * A node's hybrid-clock reading ({@code AdminRequest.now}, answered with {@code now} and
     * {@code node_id}): from the seeds and known nodes in turn, until one answers or the deadline
     * passes. Transactions take their timestamps from here.
     */
    public AdminResponse now() {
        Deadline deadline = deadline();
        AdminRequest req = AdminRequest.newBuilder().setNow(io.conclave.range.rpc.NowRequest.getDefaultInstance())
                .build();
        String lastProblem = "no node known";
        int first = nowCursor.get();
        for (int attempt = 0; attempt < Sender.MAX_ATTEMPTS && !deadline.expired(time); attempt++) {
            java.util.LinkedHashSet<String> nodes = new java.util.LinkedHashSet<>(seeds);
            nodes.addAll(cache.knownAddresses());
            List<String> order = new ArrayList<>(nodes);
            int index = Math.floorMod(first + attempt, order.size());
            String target = order.get(index);
            try {
                AdminResponse answer = sender.adminOnce(target, req, deadline);
                // Start there next time: a dead first seed must not cost every transaction a timeout.
                nowCursor.set(index);
                return answer;
            } catch (KvException e) {
                lastProblem = e.getMessage();
                if (attempt % order.size() == order.size() - 1) sender.pause(attempt / order.size(), deadline);
            }
        }
        throw new KvException(ErrorResponse.Code.TIMEOUT, "no node answered a clock reading within "
                + settings.deadline() + "; last problem: " + lastProblem);
    }

    // ---- ranges and meta ----------------------------------------------------------------------

    /** The descriptor of the range holding {@code key}, from the cache or from meta. */
    public RangeDescriptor rangeFor(byte[] key) {
        return sender.resolve(key, deadline());
    }

    /** Every meta record, in key order (range 1 first). */
    public List<RangeDescriptor> allRanges() {
        Deadline deadline = deadline();
        List<RangeDescriptor> out = new ArrayList<>();
        byte[] cursor = Keys.META_START;
        for (int page = 0; page < MAX_PIECES_PER_CALL; page++) {
            final byte[] from = cursor;
            KvRequest.Builder r = KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(bytes(from))
                    .setEndKey(bytes(Keys.META_END)).setLimit(META_PAGE));
            KvResponse resp = sender.kv(from, r, Sender.Idempotence.IDEMPOTENT, "list meta records", deadline)
                    .response();
            for (KvPair p : resp.getPairsList()) {
                RangeDescriptor d = Sender.parseDescriptor(p);
                cache.insert(d);
                out.add(d);
            }
            if (resp.getResumeKey().isEmpty()) return out;
            cursor = resp.getResumeKey().toByteArray();
        }
        throw new KvException(ErrorResponse.Code.INTERNAL, "meta has more than " + MAX_PIECES_PER_CALL + " pages");
    }

    /** The meta record of the range ending at {@code rangeEndKey}, if there is one. */
    public Optional<RangeDescriptor> metaRecord(byte[] rangeEndKey) {
        byte[] key = Keys.metaKey(rangeEndKey);
        KvResponse resp = sender.kv(key, KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(bytes(key))),
                Sender.Idempotence.IDEMPOTENT, "read meta record " + Keys.pretty(key), deadline()).response();
        if (!resp.getFound()) return Optional.empty();
        return Optional.of(Sender.parseDescriptor(KvPair.newBuilder().setKey(bytes(key)).setValue(resp.getValue())
                .build()));
    }

    /**
     * Writes {@code descriptor}'s meta record (at {@code Keys.metaKey(end)}) if meta allows it
     * ({@link #metaReplace}); a record of a higher generation stays (and this call succeeds).
     */
    public void metaUpdate(RangeDescriptor descriptor) {
        metaReplace(List.of(descriptor));
    }

    /**
     * Replaces meta's records over the span of {@code descriptors} (contiguous, in key order) by
     * them, in one range-1 command that writes all of them or none ({@link MetaRecords}). True
     * when meta holds them now (this call wrote them, or a replay of it did); false when it was
     * refused: something newer is there, or meta is coarser than the update there (a split's
     * meta update was lost), which the maintenance loop's repair fills in.
     */
    public boolean metaReplace(List<RangeDescriptor> descriptors) {
        String problem = MetaRecords.checkUpdate(descriptors);
        if (problem != null) throw new KvException(ErrorResponse.Code.BAD_REQUEST, problem);
        byte[] key = Keys.metaKey(descriptors.get(0).getEndKey().toByteArray());
        KvRequest.Builder r = KvRequest.newBuilder().setMetaUpdates(KvMetaUpdates.newBuilder()
                .addAllRangeDescriptors(descriptors));
        StringBuilder what = new StringBuilder("meta update of");
        for (RangeDescriptor d : descriptors) what.append(" r").append(d.getRangeId());
        KvResponse resp = sender.kv(key, r, Sender.Idempotence.IDEMPOTENT, what.toString(), deadline()).response();
        for (RangeDescriptor d : descriptors) cache.insert(d);
        if (!resp.getFound()) return true;
        List<RangeDescriptor> inTheWay = new ArrayList<>();
        for (KvPair p : resp.getPairsList()) inTheWay.add(Sender.parseDescriptor(p));
        return inTheWay.containsAll(descriptors);
    }

    /**
     * Meta's records overlapping {@code [start, end)}, in key order: the record holding
     * {@code start} through the one holding the key before {@code end}. At most
     * {@code MetaRecords.MAX_RECORDS_PER_UPDATE + 1}: a repair replaces no more at once.
     */
    public List<RangeDescriptor> metaCovering(byte[] start, byte[] end) {
        byte[] from = Keys.metaLookupStart(start);
        KvRequest.Builder r = KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(bytes(from))
                .setEndKey(bytes(Keys.META_END)).setLimit(MetaRecords.MAX_RECORDS_PER_UPDATE + 1));
        KvResponse resp = sender.kv(from, r, Sender.Idempotence.IDEMPOTENT, "read meta records over ["
                + Keys.pretty(start) + ", " + Keys.pretty(end) + ")", deadline()).response();
        List<RangeDescriptor> out = new ArrayList<>();
        for (KvPair p : resp.getPairsList()) {
            RangeDescriptor d = Sender.parseDescriptor(p);
            out.add(d);
            if (Keys.compare(d.getEndKey().toByteArray(), end) >= 0) break;
        }
        return out;
    }

    // ---- admin -------------------------------------------------------------------------------

    /**
     * Splits the range holding {@code splitKey} at it: allocates the new range id from the
     * range-id counter, runs the split at the leaseholder, then replaces the range's meta record
     * by the two halves' in one range-1 command (see "Splits" in the package docs). A key that is
     * already a range boundary is refused (BAD_REQUEST).
     */
    public SplitResult split(byte[] splitKey) {
        checkKey(splitKey);
        Deadline deadline = deadline();
        RangeDescriptor d = sender.resolve(splitKey, deadline);
        if (Arrays.equals(d.getStartKey().toByteArray(), splitKey)) {
            throw new KvException(ErrorResponse.Code.BAD_REQUEST, Keys.pretty(splitKey)
                    + " is already the start of range r" + d.getRangeId() + ": nothing to split");
        }
        // A lost id is harmless (ids need not be dense), so an ambiguous increment is retried.
        long newRangeId = increment(Keys.rangeIdCounterKey(), 1, Sender.Idempotence.IDEMPOTENT);
        SplitResult result = new Splitter(sender, cache).split(splitKey, newRangeId, deadline);
        if (!metaReplace(List.of(result.left(), result.right()))) fillCoarseMeta(result);
        return result;
    }

    /**
     * After a split's meta update was refused because meta still holds a record wider than the
     * split range (an earlier split's splitter died before its meta update), replaces that record
     * by all the pieces of its span if this client knows them: it usually does, since it found
     * the range through the RANGE_KEY_MISMATCH that names both halves. Otherwise meta still
     * routes (through RANGE_KEY_MISMATCH) and the maintenance loop's repair fills it in.
     */
    private void fillCoarseMeta(SplitResult result) {
        List<RangeDescriptor> covering = metaCovering(result.left().getStartKey().toByteArray(),
                result.right().getEndKey().toByteArray());
        List<RangeDescriptor> known = new ArrayList<>(cache.all());
        known.add(result.left());
        known.add(result.right());
        MetaRecords.repair(result.left(), covering, known).ifPresent(this::metaReplace);
    }

    /** Moves range {@code rangeId}'s lease (and Raft leadership) to node {@code toNode}. */
    public void transferLease(long rangeId, long toNode) {
        AdminRequest req = AdminRequest.newBuilder().setTransferLease(TransferLease.newBuilder()
                .setRangeId(rangeId).setToNode(toNode)).build();
        Sender.Routed r = sender.call(Sender.Op.admin(rangeId, Sender.Idempotence.IDEMPOTENT,
                "transfer lease of r" + rangeId + " to n" + toNode, d -> req), deadline());
        cache.clearLeaseholder(rangeId, r.hostPort());
        cache.address(toNode).ifPresent(a -> cache.setLeaseholder(rangeId, a));
    }

    /** The leaseholder's own status of range {@code rangeId} (its descriptor, lease, size, load). */
    public GroupStatus leaseholderStatus(long rangeId) {
        Deadline deadline = deadline();
        String lastProblem = "no attempt";
        for (int attempt = 0; attempt < Sender.MAX_ATTEMPTS && !deadline.expired(time); attempt++) {
            RangeDescriptor d = sender.descriptorById(rangeId, deadline);
            // A read at the range finds (or makes) the leaseholder: the node that answers it.
            byte[] probe = Keys.dataStart(d.getStartKey().toByteArray());
            String holder = sender.kv(probe, KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(bytes(probe))),
                    Sender.Idempotence.IDEMPOTENT, "find the leaseholder of r" + rangeId, deadline).hostPort();
            AdminResponse status = sender.adminOnce(holder, AdminRequest.newBuilder()
                    .setStatus(StatusRequest.getDefaultInstance()).build(), deadline);
            for (GroupStatus g : status.getGroupsList()) {
                if (g.getGroupId() == rangeId) return g;
            }
            // The replica moved away between the read and the status call.
            lastProblem = holder + " served r" + rangeId + " but its status does not list it";
            sender.pause(attempt, deadline);
        }
        throw new KvException(ErrorResponse.Code.TIMEOUT, "no leaseholder status of r" + rangeId + ": " + lastProblem);
    }

    /** One admin request to one node, no retry; an error answer throws KvException. */
    public AdminResponse admin(String hostPort, AdminRequest request) {
        return sender.adminOnce(hostPort, request, deadline());
    }

    /** Adds node {@code nodeId} (at {@code hostPort}) to range {@code rangeId}; returns once applied. */
    public void addReplica(long rangeId, long nodeId, String hostPort, boolean learner) {
        AddReplica.Builder add = AddReplica.newBuilder().setGroupId(rangeId).setNodeId(nodeId).setLearner(learner);
        if (hostPort != null) {
            add.setAddress(hostPort);
            cache.learnAddress(nodeId, hostPort);
        }
        AdminRequest req = AdminRequest.newBuilder().setAddReplica(add).build();
        sender.call(Sender.Op.admin(rangeId, Sender.Idempotence.IDEMPOTENT,
                "add n" + nodeId + (learner ? " as learner" : " as voter") + " to r" + rangeId, d -> req), deadline());
        // The cached descriptor keeps routing (only its replica list is behind); evicting it would
        // make the next request depend on range 1 being available.
    }

    /** Removes node {@code nodeId} from range {@code rangeId}; returns once applied. */
    public void removeReplica(long rangeId, long nodeId) {
        AdminRequest req = AdminRequest.newBuilder().setRemoveReplica(RemoveReplica.newBuilder()
                .setGroupId(rangeId).setNodeId(nodeId)).build();
        sender.call(Sender.Op.admin(rangeId, Sender.Idempotence.IDEMPOTENT,
                "remove n" + nodeId + " from r" + rangeId, d -> req), deadline());
    }

    /** The address of node {@code nodeId} if this client has learned it (from hints or addReplica). */
    public Optional<String> nodeAddress(long nodeId) {
        return cache.address(nodeId);
    }

    /** Tells the client where node {@code nodeId} listens (e.g. from its liveness record). */
    public void learnNodeAddress(long nodeId, String hostPort) {
        cache.learnAddress(nodeId, hostPort);
    }

    @Override
    public void close() {
        parallel.shutdownNow();
        dialer.close();
    }

    // ---- internals ---------------------------------------------------------------------------

    private long increment(byte[] key, long delta, Sender.Idempotence idempotence) {
        checkKey(key);
        KvRequest.Builder r = KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder().setKey(bytes(key))
                .setDelta(delta));
        KvResponse resp = sender.kv(key, r, idempotence, "increment " + Keys.pretty(key), deadline()).response();
        byte[] v = resp.getValue().toByteArray();
        if (v.length != Long.BYTES) {
            throw new KvException(ErrorResponse.Code.INTERNAL, "increment of " + Keys.pretty(key)
                    + " answered a value of " + v.length + " bytes, not 8");
        }
        return ByteBuffer.wrap(v).getLong();
    }

    private long deleteRangeSequential(byte[] start, byte[] end, Deadline deadline) {
        long deleted = 0;
        byte[] cursor = start;
        for (int piece = 0; piece < MAX_PIECES_PER_CALL && Keys.compare(cursor, end) < 0; piece++) {
            final byte[] from = cursor;
            Sender.Routed routed = sender.call(Sender.Op.kv(from, Sender.Idempotence.NOT_IDEMPOTENT,
                    "delete range [" + Keys.pretty(from) + ", " + Keys.pretty(end) + ")", d -> KvRequest.newBuilder()
                            .setDeleteRange(KvDeleteRange.newBuilder().setStartKey(bytes(from))
                                    .setEndKey(bytes(min(end, d.getEndKey().toByteArray())))).build()), deadline);
            deleted += routed.response().getDeleted();
            cursor = min(end, routed.descriptor().getEndKey().toByteArray());
        }
        return deleted;
    }

    private <T, R> List<R> inParallel(List<T> items, java.util.function.Function<T, R> each) {
        if (items.size() == 1) return List.of(each.apply(items.get(0)));
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) futures.add(parallel.submit(() -> each.apply(item)));
        List<R> out = new ArrayList<>(items.size());
        KvException first = null;
        for (Future<R> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new KvException(ErrorResponse.Code.INTERNAL, "interrupted waiting for parallel requests", e);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof KvException k ? k
                            : new KvException(ErrorResponse.Code.INTERNAL, String.valueOf(e.getCause()), e.getCause());
                }
                out.add(null);
            }
        }
        if (first != null) throw first;
        return out;
    }

    private Deadline deadline() {
        return Deadline.after(time, settings.deadline());
    }

    /** Client-side checks give the caller the same clear error a node would, without a round trip. */
    private static void checkKey(byte[] key) {
        if (key == null) throw new KvException(ErrorResponse.Code.BAD_REQUEST, "key must be set");
        if (key.length > Keys.MAX_KEY_BYTES) {
            throw new KvException(ErrorResponse.Code.TOO_LARGE, "key of " + key.length + " bytes; the limit is "
                    + Keys.MAX_KEY_BYTES);
        }
        if (Keys.compare(key, Keys.META_START) < 0) {
            throw new KvException(ErrorResponse.Code.BAD_REQUEST, "key " + Keys.pretty(key)
                    + " is empty or local (below 0x02): no client may address it");
        }
        if (Keys.compare(key, Keys.KEY_MAX) >= 0) {
            throw new KvException(ErrorResponse.Code.BAD_REQUEST, "key " + Keys.pretty(key)
                    + " is at or above the end of the keyspace (0xffff)");
        }
    }

    private static void checkValue(byte[] value) {
        if (value == null) throw new KvException(ErrorResponse.Code.BAD_REQUEST, "value must be set");
        String problem = Keys.checkValue(value);
        if (problem != null) throw new KvException(ErrorResponse.Code.TOO_LARGE, problem);
    }

    private static byte[] clampStart(byte[] start) {
        return Keys.compare(start, Keys.META_START) < 0 ? Keys.META_START : start;
    }

    static byte[] min(byte[] a, byte[] b) {
        return Keys.compare(a, b) <= 0 ? a : b;
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

}
