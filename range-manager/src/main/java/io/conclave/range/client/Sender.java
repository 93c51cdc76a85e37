package io.conclave.range.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.Keys;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The retry loop under every {@link RangeClient} call: resolve the range, pick a node, send,
 * and act on the answer (see the package documentation for the policy).
 */
final class Sender {
    /** Bounds one call's attempts even if every answer came back at once. */
    static final int MAX_ATTEMPTS = 1000;
    /**
     * Attempts that follow a hint (a named leaseholder, newer descriptors) go out without a pause,
     * but only this many in a row: two nodes that name each other must not spin.
     */
    static final int MAX_QUICK_RETRIES = 4;

    /** Range 1 before its meta record is known: the span is fixed, the replicas unknown. */
    static final RangeDescriptor META_RANGE = RangeDescriptor.newBuilder().setRangeId(Keys.META_RANGE_ID)
            .setStartKey(RangeClient.bytes(Keys.KEY_MIN)).setEndKey(RangeClient.bytes(Keys.USER_START)).build();

    /**
     * How often at most the client reads the liveness records to learn node addresses: they change
     * only when nodes join or move, and each refresh is a scan of range 1.
     */
    static final long ADDRESS_REFRESH_INTERVAL_NANOS = 3_000_000_000L;

    enum Idempotence { IDEMPOTENT, NOT_IDEMPOTENT }

    /**
     * One call: where it goes (by key, or by range id) and what it sends given the range.
     * {@code transactional}: a transaction coordinator's request, whose WRITE_INTENT (and every
     * other transaction error) is the caller's to act on; a non-transactional request that meets
     * an intent is retried after a backoff instead (see the package documentation).
     */
    record Op(byte[] key, long rangeId, Idempotence idempotence, String what,
            BiFunction<RangeDescriptor, String, KvRequest> kv, Function<RangeDescriptor, AdminRequest> admin,
            boolean transactional) {
        static Op kv(byte[] key, Idempotence i, String what, Function<RangeDescriptor, KvRequest> build) {
            return new Op(key, 0, i, what, (d, target) -> build.apply(d), null, false);
        }

        /** A transaction's request, built for the range and the node it is about to go to. */
        static Op txn(byte[] key, Idempotence i, String what, BiFunction<RangeDescriptor, String, KvRequest> build) {
            return new Op(key, 0, i, what, build, null, true);
        }

        static Op admin(long rangeId, Idempotence i, String what, Function<RangeDescriptor, AdminRequest> build) {
            return new Op(null, rangeId, i, what, null, build, false);
        }

        static Op adminByKey(byte[] key, Idempotence i, String what, Function<RangeDescriptor, AdminRequest> build) {
            return new Op(key, 0, i, what, null, build, false);
        }
    }

    /** A successful answer, the descriptor the request was built from, and who answered. */
    record Routed(RangeDescriptor descriptor, RangeReply reply, String hostPort) {
        KvResponse response() {
            return reply.getKvResponse();
        }

        AdminResponse admin() {
            return reply.getAdminResponse();
        }
    }

    /** Meta has no record for a key: only before bootstrap wrote meta, so retried. */
    static final class MetaHoleException extends KvException {
        MetaHoleException(String message) {
            super(ErrorResponse.Code.RANGE_NOT_FOUND, message);
        }
    }

    private record Outcome(RangeReply reply, Throwable failure) {}

    private final NodeDialer dialer;
    private final List<String> seeds;
    private final RangeCache cache;
    private final RangeClientSettings settings;
    private final ClientTime time;
    // Guarded by itself: SplittableRandom is not thread-safe.
    private final SplittableRandom random;
    private final AtomicBoolean refreshingAddresses = new AtomicBoolean();
    // Guarded by refreshingAddresses.
    private boolean refreshedAddresses;
    private long lastAddressRefreshNanos;

    Sender(NodeDialer dialer, List<String> seeds, RangeCache cache, RangeClientSettings settings, ClientTime time,
            SplittableRandom random) {
        this.dialer = dialer;
        this.seeds = seeds;
        this.cache = cache;
        this.settings = settings;
        this.time = time;
        this.random = random;
    }

    Routed kv(byte[] key, KvRequest.Builder request, Idempotence i, String what, Deadline deadline) {
        KvRequest built = request.build();
        return call(Op.kv(key, i, what, d -> built), deadline);
    }

    /** Runs {@code op} until it succeeds, fails for good, or the deadline or attempt bound passes. */
    Routed call(Op op, Deadline deadline) {
        Set<String> refused = new HashSet<>();
        String preferred = null;
        String lastProblem = "no attempt made";
        int rotation = 0;
        int quick = 0;
        int pauses = 0;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (deadline.expired(time)) break;
            boolean pause = false;
            RangeDescriptor d;
            try {
                d = op.key() != null ? resolve(op.key(), deadline) : descriptorById(op.rangeId(), deadline);
            } catch (MetaHoleException e) {
                if (deadline.expired(time)) throw e;
                lastProblem = e.getMessage();
                pause(pauses++, deadline);
                continue;
            }
            if (preferred == null) maybeRefreshAddresses(d, deadline);
            String target = pickTarget(d, preferred, refused, rotation);
            Outcome outcome = attempt(target, op, d, deadline);
            if (outcome.failure() != null) {
                boolean sent = !(outcome.failure() instanceof NotSentException);
                lastProblem = "no answer from " + target + ": " + outcome.failure();
                if (sent && op.idempotence() == Idempotence.NOT_IDEMPOTENT) {
                    throw ambiguous(op, d, lastProblem, outcome.failure());
                }
                cache.clearLeaseholder(d.getRangeId(), target);
                refused.add(target);
                preferred = null;
                rotation++;
                pause(pauses++, deadline);
                continue;
            }
            RangeReply reply = outcome.reply();
            if (!reply.hasError()) {
                if (op.kv() != null) cache.setLeaseholder(d.getRangeId(), target);
                return new Routed(d, reply, target);
            }
            ErrorResponse e = reply.getError();
            lastProblem = e.getCode() + " from " + target + " for r" + d.getRangeId() + ": " + e.getMessage();
            switch (e.getCode()) {
                case NOT_LEASEHOLDER, NOT_LEADER -> {
                    cache.learnAddress(e.getLeaderHint(), e.getLeaderAddress());
                    String hinted = !e.getLeaderAddress().isEmpty() ? e.getLeaderAddress()
                            : e.getLeaderHint() != 0 ? cache.address(e.getLeaderHint()).orElse(null) : null;
                    // Lease and Raft leadership travel together, so a node that is not the leader is
                    // not worth asking again first: without this a hint-less NOT_LEADER sent every
                    // retry back to the cached node until the deadline.
                    cache.clearLeaseholder(d.getRangeId(), target);
                    if (hinted != null && !hinted.equals(target)) cache.setLeaseholder(d.getRangeId(), hinted);
                    if (hinted != null && !hinted.equals(target)) {
                        preferred = hinted;
                        refused.remove(hinted);
                    } else {
                        // No better node named: an election or a lease acquisition is under way.
                        preferred = null;
                        rotation++;
                        pause = true;
                    }
                }
                case RANGE_KEY_MISMATCH -> {
                    for (RangeDescriptor fresh : e.getDescriptorsList()) {
                        try {
                            cache.insert(fresh);
                        } catch (IllegalArgumentException malformed) {
                            lastProblem += " (and a malformed descriptor: " + malformed.getMessage() + ")";
                        }
                    }
                    Optional<RangeDescriptor> now = cache.byId(d.getRangeId());
                    if (now.isPresent() && now.get().getGeneration() <= d.getGeneration()
                            && now.get().getEndKey().equals(d.getEndKey())) {
                        cache.evict(d.getRangeId());
                    }
                    preferred = null;
                }
                case RANGE_NOT_FOUND -> {
                    cache.clearLeaseholder(d.getRangeId(), target);
                    refused.add(target);
                    preferred = null;
                    rotation++;
                    if (refused.containsAll(candidates(d))) {
                        // No node we know has it: our descriptor is stale (replicas moved).
                        if (d.getRangeId() != Keys.META_RANGE_ID) cache.evict(d.getRangeId());
                        refused.clear();
                        pause = true;
                    }
                }
                case PROPOSAL_DROPPED -> pause = true;
                case TIMEOUT -> {
                    // The node answers TIMEOUT only for a request it never proposed (once proposed,
                    // AMBIGUOUS_RESULT), so even a non-idempotent one may go again.
                    rotation++;
                    pause = true;
                }
                case INTERNAL -> {
                    if (op.idempotence() == Idempotence.NOT_IDEMPOTENT) throw ambiguous(op, d, lastProblem, null);
                    rotation++;
                    pause = true;
                }
                case AMBIGUOUS_RESULT -> {
                    if (op.idempotence() == Idempotence.NOT_IDEMPOTENT) throw ambiguous(op, d, lastProblem, null);
                    pause = true;
                }
                case CONDITION_FAILED -> throw new ConditionFailedException(op.what() + " at " + target + ": "
                        + e.getMessage(), e.getFound() ? Optional.of(e.getActualValue().toByteArray()) : Optional.empty());
                case WRITE_INTENT -> {
                    // Nothing was written. A non-transactional request does not push: the intent's
                    // coordinator (or a transaction that meets it) resolves it soon, so wait.
                    if (op.transactional()) throw refused(op, d, target, e);
                    pause = true;
                }
                default -> throw refused(op, d, target, e);
            }
            if (!pause && quick < MAX_QUICK_RETRIES) {
                quick++;
            } else {
                quick = 0;
                pause(pauses++, deadline);
            }
        }
        throw new KvException(ErrorResponse.Code.TIMEOUT, op.what() + " did not succeed within "
                + settings.deadline() + " (or " + MAX_ATTEMPTS + " attempts); last problem: " + lastProblem);
    }

    /** The range holding {@code key}: cache, else meta. Keys below the user span are range 1's. */
    RangeDescriptor resolve(byte[] key, Deadline deadline) {
        if (Keys.compare(key, Keys.USER_START) < 0) {
            return cache.byId(Keys.META_RANGE_ID).orElse(META_RANGE);
        }
        Optional<RangeDescriptor> cached = cache.lookup(key);
        return cached.isPresent() ? cached.get() : lookupMeta(key, deadline);
    }

    /** The range with id {@code rangeId}: cache, else a scan of every meta record. */
    RangeDescriptor descriptorById(long rangeId, Deadline deadline) {
        Optional<RangeDescriptor> cached = cache.byId(rangeId);
        if (cached.isPresent()) return cached.get();
        if (rangeId == Keys.META_RANGE_ID) return META_RANGE;
        byte[] cursor = Keys.META_START;
        for (int page = 0; page < RangeClient.MAX_PIECES_PER_CALL; page++) {
            KvResponse resp = kv(cursor, KvRequest.newBuilder().setScan(KvScan.newBuilder()
                    .setStartKey(RangeClient.bytes(cursor)).setEndKey(RangeClient.bytes(Keys.META_END))
                    .setLimit(RangeClient.META_PAGE)), Idempotence.IDEMPOTENT, "find r" + rangeId + " in meta",
                    deadline).response();
            for (KvPair p : resp.getPairsList()) {
                RangeDescriptor d = parseDescriptor(p);
                cache.insert(d);
                if (d.getRangeId() == rangeId) return d;
            }
            if (resp.getResumeKey().isEmpty()) break;
            cursor = resp.getResumeKey().toByteArray();
        }
        throw new KvException(ErrorResponse.Code.RANGE_NOT_FOUND, "range r" + rangeId + " has no meta record: "
                + "no such range (see 'conclave ranges')");
    }

    private RangeDescriptor lookupMeta(byte[] key, Deadline deadline) {
        byte[] from = Keys.metaLookupStart(key);
        KvResponse resp = kv(from, KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(RangeClient.bytes(from))
                .setEndKey(RangeClient.bytes(Keys.META_END)).setLimit(RangeClient.META_PREFETCH)),
                Idempotence.IDEMPOTENT, "look up the range of " + Keys.pretty(key), deadline).response();
        RangeDescriptor found = null;
        for (KvPair p : resp.getPairsList()) {
            RangeDescriptor d = parseDescriptor(p);
            cache.insert(d);
            if (found == null && Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), key)) {
                found = d;
            }
        }
        if (found == null) {
            // Meta is a tiling from bootstrap on (range 1 refuses any update that would leave a
            // gap), so this means a cluster not yet initialized or a lookup that reached a range-1
            // replica mid-bootstrap: retried soon, bounded by the call's deadline.
            throw new MetaHoleException("no meta record covers " + Keys.pretty(key)
                    + " (is the cluster initialized?)");
        }
        return found;
    }

    /**
     * Learns node addresses from the liveness records (Keys.livenessKey) when a voter of {@code d}
     * has no known address, so that a client given one seed can still reach every replica. At most
     * one refresh runs at a time (a refresh's own lookups never start another) and at most one per
     * interval; a failed refresh is ignored: the seeds and hints still work.
     */
    private void maybeRefreshAddresses(RangeDescriptor d, Deadline deadline) {
        boolean missing = false;
        for (ReplicaDescriptor r : d.getReplicasList()) {
            if (!r.getLearner() && cache.address(r.getNodeId()).isEmpty()) missing = true;
        }
        if (!missing || !refreshingAddresses.compareAndSet(false, true)) return;
        try {
            long now = time.nanoTime();
            if (refreshedAddresses && now - lastAddressRefreshNanos < ADDRESS_REFRESH_INTERVAL_NANOS) return;
            refreshedAddresses = true;
            lastAddressRefreshNanos = now;
            long budget = Math.min(settings.requestTimeout().toNanos(), deadline.remainingNanos(time));
            if (budget <= 0) return;
            Deadline refreshDeadline = new Deadline(now + budget, deadline.total());
            byte[] from = Keys.livenessStart();
            KvResponse resp = kv(from, KvRequest.newBuilder().setScan(KvScan.newBuilder()
                    .setStartKey(RangeClient.bytes(from)).setEndKey(RangeClient.bytes(Keys.livenessEnd()))
                    .setLimit(RangeClient.META_PAGE)), Idempotence.IDEMPOTENT, "read node addresses", refreshDeadline)
                    .response();
            for (KvPair p : resp.getPairsList()) {
                try {
                    NodeLiveness l = NodeLiveness.parseFrom(p.getValue());
                    cache.learnAddress(l.getNodeId(), l.getAddress());
                } catch (InvalidProtocolBufferException malformed) {
                    // Not a liveness record; nothing to learn from it.
                }
            }
        } catch (KvException unavailable) {
            // Range 1 unreachable for now: seeds and hints remain.
        } finally {
            refreshingAddresses.set(false);
        }
    }

    /** One admin request to one node, no retry. */
    AdminResponse adminOnce(String hostPort, AdminRequest request, Deadline deadline) {
        Op op = Op.admin(0, Idempotence.NOT_IDEMPOTENT, "admin " + request.getOpCase(), d -> request);
        Outcome o = attempt(hostPort, op, META_RANGE, deadline);
        if (o.failure() != null) {
            throw new KvException(ErrorResponse.Code.TIMEOUT, op.what() + ": no answer from " + hostPort + ": "
                    + o.failure(), o.failure());
        }
        if (o.reply().hasError()) {
            ErrorResponse e = o.reply().getError();
            throw new KvException(e.getCode(), op.what() + " refused by " + hostPort + ": " + e.getMessage());
        }
        return o.reply().getAdminResponse();
    }

    boolean expired(Deadline deadline) {
        return deadline.expired(time);
    }

    /** Backs off before the next attempt: exponential from initialBackoff, jittered, within the deadline. */
    void pause(int previousPauses, Deadline deadline) {
        long base = settings.initialBackoff().toNanos() << Math.min(previousPauses, 20);
        long cap = Math.min(base, settings.maxBackoff().toNanos());
        long jittered;
        synchronized (random) {
            jittered = cap / 2 + random.nextLong(cap / 2 + 1);
        }
        long nanos = Math.min(jittered, deadline.remainingNanos(time));
        if (nanos <= 0) return;
        try {
            time.sleepNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorResponse.Code.INTERNAL, "interrupted while backing off", e);
        }
    }

    private String pickTarget(RangeDescriptor d, String preferred, Set<String> refused, int rotation) {
        if (preferred != null && !refused.contains(preferred)) return preferred;
        Optional<String> holder = cache.leaseholder(d.getRangeId());
        if (holder.isPresent() && !refused.contains(holder.get())) return holder.get();
        List<String> candidates = new ArrayList<>(candidates(d));
        candidates.removeAll(refused);
        if (candidates.isEmpty()) {
            refused.clear();
            candidates = new ArrayList<>(candidates(d));
        }
        return candidates.get(Math.floorMod(rotation, candidates.size()));
    }

    /** Nodes worth asking for {@code d}: its voters whose address we know, the seeds, any node we know. */
    private Set<String> candidates(RangeDescriptor d) {
        Set<String> out = new LinkedHashSet<>();
        for (ReplicaDescriptor r : d.getReplicasList()) {
            if (!r.getLearner()) cache.address(r.getNodeId()).ifPresent(out::add);
        }
        out.addAll(seeds);
        out.addAll(cache.knownAddresses());
        return out;
    }

    private Outcome attempt(String target, Op op, RangeDescriptor d, Deadline deadline) {
        long waitNanos = Math.min(settings.requestTimeout().toNanos(), deadline.remainingNanos(time));
        if (waitNanos <= 0) {
            return new Outcome(null, new NotSentException("the deadline passed before sending", null));
        }
        CompletableFuture<RangeReply> future;
        try {
            if (op.kv() != null) {
                KvRequest req = op.kv().apply(d, target).toBuilder().setRangeId(d.getRangeId()).build();
                future = dialer.send(target, req);
            } else {
                future = dialer.sendAdmin(target, op.admin().apply(d));
            }
        } catch (RangeChangedException regroup) {
            throw regroup;
        } catch (RuntimeException ex) {
            return new Outcome(null, ex);
        }
        try {
            return new Outcome(future.get(waitNanos, TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException ex) {
            future.cancel(false);
            return new Outcome(null, new TimeoutException("no answer within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms"));
        } catch (ExecutionException ex) {
            return new Outcome(null, ex.getCause() != null ? ex.getCause() : ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorResponse.Code.INTERNAL, "interrupted waiting for " + target, ex);
        }
    }

    private static KvException refused(Op op, RangeDescriptor d, String target, ErrorResponse e) {
        return new KvException(e, op.what() + " refused by " + target + " (r" + d.getRangeId() + "): "
                + e.getMessage());
    }

    private static KvException ambiguous(Op op, RangeDescriptor d, String problem, Throwable cause) {
        return new KvException(ErrorResponse.Code.AMBIGUOUS_RESULT, op.what() + " (r" + d.getRangeId()
                + ") may or may not have been applied, and it is not safe to retry; " + problem, cause);
    }

    static RangeDescriptor parseDescriptor(KvPair p) {
        try {
            return RangeDescriptor.parseFrom(p.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new KvException(ErrorResponse.Code.INTERNAL, "meta record at " + Keys.pretty(p.getKey().toByteArray())
                    + " is not a range descriptor: " + e.getMessage(), e);
        }
    }
}
