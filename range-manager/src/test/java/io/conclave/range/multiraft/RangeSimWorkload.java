package io.conclave.range.multiraft;

import static io.conclave.range.multiraft.RangeSim.bytes;

import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvConditionalPut;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvIncrement;
import io.conclave.range.rpc.KvMetaUpdates;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.RemoveReplica;
import io.conclave.range.rpc.ReplicaDescriptor;
import io.conclave.range.rpc.SplitRange;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.range.rpc.TransferLease;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The seeded schedule of {@link RangeSim}: clients doing puts, conditional puts, gets and scans
 * through the schedulers' KV entry points (retrying where an answer says nothing was done), an
 * operator doing one admin change at a time (a split at a random key with its meta records, a
 * lease transfer, a learner added, promoted or a voter removed, the maintenance loop's meta
 * repair), and faults (a node crashed and restarted, a node cut off, one link cut). Everything
 * the clients see goes into a {@link RangeSimHistory}.
 */
final class RangeSimWorkload {
    static final int KEYS = 10;
    /**
     * Attempts of one client operation by default; each failed one is known to have done nothing.
     * More attempts ({@code -Drangesim.maxAttempts}) keep clients busy longer, and runs then reach
     * other membership changes.
     */
    static final int MAX_ATTEMPTS = 12;
    static final long RETRY_NANOS = 15_000_000;
    static final long OP_DEADLINE_NANOS = 3_000_000_000L;
    /**
     * Attempts of a final read (after healing), bounded by {@link #OP_DEADLINE_NANOS} too. Every
     * range must serve again by then, but a node restarted just before healing may still hold
     * leases and leadership from before: an election and a lease request take longer than
     * {@link #MAX_ATTEMPTS} quick attempts (RANGE_NOT_FOUND from non-members comes at once).
     */
    static final int FINAL_READ_ATTEMPTS = 200;
    static final int MAX_CLIENT_OPS_IN_FLIGHT = 6;

    private final RangeSim sim;
    private final SplittableRandom random;
    final RangeSimHistory history = new RangeSimHistory();
    private final List<byte[]> keys = new ArrayList<>();
    private long nextValue;
    int clientOpsInFlight;
    int clientOps;
    private boolean adminBusy;
    int splits;
    int leaseTransfers;
    int membershipChanges;
    int metaUpdates;
    /** Meta updates range 1 refused: meta was newer, or coarser than the update (a lost split update). */
    int metaRefused;
    /** Repairs that replaced a record wider than the repaired range by several (a lost split update). */
    int coarseRepairs;
    /** Meta reads and updates that got no answer but a refusal or an error (the final repair retries). */
    int metaRequestsUnanswered;
    int crashes;
    int partitions;
    /** A node crashed or cut off; at most one at a time, so a majority of every range stays. */
    private long faultyNode;
    private boolean linkCut;

    RangeSimWorkload(RangeSim sim, SplittableRandom random) {
        this.sim = sim;
        this.random = random;
        for (int i = 0; i < KEYS; i++) keys.add(new byte[] {(byte) (0x10 + i * 0x17), 'k', (byte) ('0' + i)});
    }

    static String name(byte[] key) {
        return Keys.pretty(key);
    }

    // ---- the schedule ----

    /** Called every step of the faulty phase: starts new work with seeded probabilities. */
    void maybeStartWork() {
        if (clientOpsInFlight < MAX_CLIENT_OPS_IN_FLIGHT && random.nextInt(100) < 8) startClientOp();
        if (!adminBusy && random.nextInt(1000) < 25) startAdminOp();
        if (random.nextInt(100_000) < sim.options.crashPercent() * 3) maybeCrash();
        if (random.nextInt(100_000) < sim.options.partitionPercent() * 3) maybePartition();
    }

    private void maybeCrash() {
        if (faultyNode != 0) return;
        List<Long> live = sim.liveNodes();
        long victim = live.get(random.nextInt(live.size()));
        faultyNode = victim;
        crashes++;
        sim.crash(victim);
        sim.after(100_000_000L + random.nextLong(700_000_000L), () -> {
            if (sim.nodes.get(victim).up()) return; // healing restarted it already
            sim.restart(victim);
            faultyNode = 0;
        });
    }

    private void maybePartition() {
        if (faultyNode != 0 || linkCut) return;
        partitions++;
        long a = 1 + random.nextInt(sim.nodes.size());
        if (random.nextBoolean()) {
            faultyNode = a;
            for (long b : sim.nodes.keySet()) sim.network.cut(a, b);
            sim.trace("isolate n" + a);
        } else {
            long b = 1 + random.nextInt(sim.nodes.size());
            if (a == b) return;
            linkCut = true;
            sim.network.cut(a, b);
            sim.trace("cut n" + a + "-n" + b);
        }
        sim.after(100_000_000L + random.nextLong(600_000_000L), () -> {
            sim.network.healAll();
            sim.trace("heal network");
            if (faultyNode == a && sim.nodes.get(a).up()) faultyNode = 0;
            linkCut = false;
        });
    }

    /** Ends the faults: heals the network and restarts a crashed node at once. */
    void heal() {
        sim.network.healAll();
        linkCut = false;
        for (RangeSim.SimNode n : sim.nodes.values()) {
            if (!n.up()) sim.restart(n.id);
        }
        faultyNode = -1; // no new faults; a pending restart finds the node up
    }

    boolean idle() {
        return clientOpsInFlight == 0 && !adminBusy;
    }

    // ---- client operations ----

    private abstract class ClientOp {
        final long id = ++clientOps;
        final long startedNanos = sim.nowNanos;
        int attempts;
        long node = randomLiveNode();
        long attemptStartedNanos;

        abstract KvRequest request();

        /** The operation's KV answer. */
        abstract void succeeded(KvResponse response);

        /** Gave up (attempts, deadline) with every attempt known to have done nothing. */
        abstract void failed(String why);

        /** Gave up not knowing whether it took effect. */
        abstract void unknown(String why);

        int maxAttempts() {
            return sim.options.clientAttempts();
        }

        /** Whether this operation handled an error answer itself (else the common rules do). */
        boolean handleError(ErrorResponse e) {
            return false;
        }

        void start() {
            clientOpsInFlight++;
            attempt();
        }

        void attempt() {
            attempts++;
            attemptStartedNanos = sim.nowNanos;
            sim.kv(node, request(), this::answered);
        }

        private void answered(RangeReply reply, boolean sent) {
            if (reply == null) {
                if (sent) finish(() -> unknown("no answer from n" + node));
                else retry(0, "n" + node + " is down");
                return;
            }
            if (reply.hasKvResponse()) {
                finish(() -> succeeded(reply.getKvResponse()));
                return;
            }
            ErrorResponse e = reply.getError();
            if (handleError(e)) return;
            switch (e.getCode()) {
                case NOT_LEASEHOLDER, NOT_LEADER, RANGE_NOT_FOUND, PROPOSAL_DROPPED, TIMEOUT, RANGE_KEY_MISMATCH ->
                        retry(e.getLeaderHint(), e.getCode() + " " + e.getMessage());
                case AMBIGUOUS_RESULT -> finish(() -> unknown(e.getMessage()));
                default -> throw new AssertionError("op " + id + " (" + this + "): unexpected answer " + e);
            }
        }

        private void retry(long hint, String why) {
            if (attempts >= maxAttempts() || sim.nowNanos - startedNanos > OP_DEADLINE_NANOS) {
                finish(() -> failed("gave up after " + attempts + " attempts: " + why));
                return;
            }
            node = hint != 0 && sim.liveScheduler(hint) != null ? hint : randomLiveNode();
            sim.after(hint != 0 ? 1 : RETRY_NANOS, this::attempt);
        }

        void finish(Runnable outcome) {
            clientOpsInFlight--;
            outcome.run();
        }

        void observe(byte[] key, String value, String what) {
            sim.trace("op " + id + " " + what + " " + name(key) + " = " + value);
            history.observe(name(key), new RangeSimHistory.Observation(value, attemptStartedNanos, sim.nowNanos,
                    "op " + id + " " + what + " on n" + node));
        }
    }

    private long randomLiveNode() {
        List<Long> live = sim.liveNodes();
        return live.get(random.nextInt(live.size()));
    }

    private void startClientOp() {
        byte[] key = keys.get(random.nextInt(keys.size()));
        int kind = random.nextInt(100);
        ClientOp op;
        if (kind < 35) op = new Put(key, false, null);
        else if (kind < 50) op = new Put(key, true, expectedValueFor(key));
        else if (kind < 80) op = new Get(key);
        else {
            int a = random.nextInt(keys.size());
            int b = a + 1 + random.nextInt(keys.size() - a);
            op = new Scan(keys.get(a), b == keys.size() ? Keys.KEY_MAX : keys.get(b));
        }
        op.start();
    }

    /** Gets every key once more after the faults: the final state, checked like any read. */
    void startFinalReads() {
        for (byte[] key : keys) {
            Get get = new Get(key);
            get.isFinal = true;
            get.start();
        }
    }

    /** What the final reads returned, by key ("" for absent); a key missing here was not read. */
    final Map<String, String> finalValues = new TreeMap<>();

    List<byte[]> keys() {
        return keys;
    }

    private final Map<String, List<String>> valuesWritten = new HashMap<>();

    private String expectedValueFor(byte[] key) {
        List<String> values = valuesWritten.getOrDefault(name(key), List.of());
        if (values.isEmpty() || random.nextInt(5) == 0) return null;
        return values.get(values.size() - 1 - random.nextInt(Math.min(values.size(), 3)));
    }

    private final class Put extends ClientOp {
        final byte[] key;
        final boolean conditional;
        final String expected;
        final String value;
        final RangeSimHistory.Write write;

        Put(byte[] key, boolean conditional, String expected) {
            this.key = key;
            this.conditional = conditional;
            this.expected = expected;
            this.value = "v" + (++nextValue);
            this.write = history.invokeWrite(name(key), value, sim.nowNanos);
            valuesWritten.computeIfAbsent(name(key), k -> new ArrayList<>()).add(value);
            sim.trace("op " + id + " " + this);
        }

        @Override
        KvRequest request() {
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            if (!conditional) {
                return KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(bytes(key)).setValue(bytes(v))).build();
            }
            KvConditionalPut.Builder c = KvConditionalPut.newBuilder().setKey(bytes(key)).setValue(bytes(v));
            if (expected == null) c.setExpectAbsent(true);
            else c.setExpectedValue(bytes(expected.getBytes(StandardCharsets.UTF_8)));
            return KvRequest.newBuilder().setConditionalPut(c).build();
        }

        @Override
        boolean handleError(ErrorResponse e) {
            if (!conditional || e.getCode() != ErrorResponse.Code.CONDITION_FAILED) return false;
            finish(() -> {
                history.complete(write, RangeSimHistory.Outcome.FAILED, sim.nowNanos);
                sim.trace("op " + id + " condition failed");
                observe(key, e.getFound() ? e.getActualValue().toStringUtf8() : null, "cput saw");
            });
            return true;
        }

        @Override
        void succeeded(KvResponse response) {
            sim.trace("op " + id + " ok");
            history.complete(write, RangeSimHistory.Outcome.OK, sim.nowNanos);
        }

        @Override
        void failed(String why) {
            sim.trace("op " + id + " failed: " + why);
            history.complete(write, RangeSimHistory.Outcome.FAILED, sim.nowNanos);
        }

        @Override
        void unknown(String why) {
            sim.trace("op " + id + " unknown: " + why);
            history.complete(write, RangeSimHistory.Outcome.UNKNOWN, sim.nowNanos);
        }

        @Override
        public String toString() {
            return (conditional ? "cput " + name(key) + " " + expected + " -> " : "put " + name(key) + " ") + value;
        }
    }

    private final class Get extends ClientOp {
        final byte[] key;
        boolean isFinal;

        Get(byte[] key) {
            this.key = key;
        }

        @Override
        int maxAttempts() {
            return isFinal ? Math.max(FINAL_READ_ATTEMPTS, super.maxAttempts()) : super.maxAttempts();
        }

        @Override
        KvRequest request() {
            return KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(bytes(key))).build();
        }

        @Override
        void succeeded(KvResponse response) {
            String value = response.getFound() ? response.getValue().toStringUtf8() : null;
            observe(key, value, isFinal ? "final get" : "get");
            if (isFinal) finalValues.put(name(key), value == null ? "" : value);
        }

        @Override
        void failed(String why) {
            sim.trace("op " + id + " get " + name(key) + " failed: " + why);
        }

        @Override
        void unknown(String why) {
            sim.trace("op " + id + " get " + name(key) + " unanswered: " + why);
        }
    }

    /**
     * A scan of [start, end), one range at a time: a piece that crosses a range's end is
     * answered RANGE_KEY_MISMATCH with the range's descriptor, and shrinks to it.
     */
    private final class Scan extends ClientOp {
        byte[] from;
        byte[] pieceEnd;
        final byte[] end;

        Scan(byte[] start, byte[] end) {
            this.from = start;
            this.pieceEnd = end;
            this.end = end;
        }

        @Override
        KvRequest request() {
            return KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(bytes(from))
                    .setEndKey(bytes(pieceEnd)).setLimit(1_000)).build();
        }

        @Override
        boolean handleError(ErrorResponse e) {
            if (e.getCode() != ErrorResponse.Code.RANGE_KEY_MISMATCH || e.getDescriptorsCount() == 0) return false;
            RangeDescriptor d = e.getDescriptors(0);
            if (!Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), from)) return false;
            byte[] rangeEnd = d.getEndKey().toByteArray();
            if (Keys.compare(rangeEnd, pieceEnd) < 0) {
                pieceEnd = rangeEnd;
                sim.after(0, this::attempt);
                return true;
            }
            return false;
        }

        @Override
        void succeeded(KvResponse response) {
            Invariants.check(response.getResumeKey().isEmpty(), "scan of %s keys was cut short", KEYS);
            Map<String, String> rows = new TreeMap<>();
            for (var pair : response.getPairsList()) rows.put(name(pair.getKey().toByteArray()), pair.getValue().toStringUtf8());
            for (byte[] key : keys) {
                if (Keys.compare(key, from) >= 0 && Keys.compare(key, pieceEnd) < 0) {
                    observe(key, rows.get(name(key)), "scan");
                }
            }
            if (Keys.compare(pieceEnd, end) < 0) {
                // The next piece is a new operation of the same client: it starts now.
                from = pieceEnd;
                pieceEnd = end;
                clientOpsInFlight++;
                attempts = 0;
                sim.after(0, this::attempt);
            }
        }

        @Override
        void failed(String why) {
            sim.trace("op " + id + " scan failed: " + why);
        }

        @Override
        void unknown(String why) {
            sim.trace("op " + id + " scan unanswered: " + why);
        }
    }

    // ---- the operator: one admin change at a time ----

    private void startAdminOp() {
        adminBusy = true;
        long node = randomLiveNode();
        int kind = random.nextInt(100);
        statusOf(node, groups -> {
            if (groups == null || groups.isEmpty()) {
                adminDone("no status from n" + node);
                return;
            }
            List<GroupStatus> initialized = new ArrayList<>();
            for (GroupStatus g : groups.values()) if (g.hasRangeDescriptor()) initialized.add(g);
            if (initialized.isEmpty()) {
                adminDone("n" + node + " has no initialized replica");
                return;
            }
            GroupStatus g = initialized.get(random.nextInt(initialized.size()));
            if (kind < 35) split(node, groups);
            else if (kind < 60) transferLease(g);
            else if (kind < 85) changeMembership(g);
            else repairMeta(node, groups);
        });
    }

    private void adminDone(String what) {
        sim.trace("admin: " + what);
        adminBusy = false;
    }

    private void statusOf(long node, Consumer<Map<Long, GroupStatus>> then) {
        sim.admin(node, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build(), (reply, sent) -> {
            if (reply == null || !reply.hasAdminResponse()) {
                then.accept(null);
                return;
            }
            Map<Long, GroupStatus> out = new TreeMap<>();
            for (GroupStatus g : reply.getAdminResponse().getGroupsList()) out.put(g.getGroupId(), g);
            then.accept(out);
        });
    }

    /** Where to send a range's admin request: its lease's holder if any, else its leader, else anyone. */
    private long leaseholderOrLeader(GroupStatus g) {
        if (g.getLease().getHolder() != 0 && sim.liveScheduler(g.getLease().getHolder()) != null) {
            return g.getLease().getHolder();
        }
        return g.getLeader() != 0 && sim.liveScheduler(g.getLeader()) != null ? g.getLeader() : randomLiveNode();
    }

    /** As RangeClient.split does: a new range id from range 1's counter, the split at the leaseholder, then meta. */
    private void split(long node, Map<Long, GroupStatus> groups) {
        byte[] key = {(byte) (0x05 + random.nextInt(0xf0)), (byte) random.nextInt(256)};
        GroupStatus holder = null;
        for (GroupStatus g : groups.values()) {
            RangeDescriptor d = g.getRangeDescriptor();
            if (g.hasRangeDescriptor() && Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), key)
                    && !Arrays.equals(d.getStartKey().toByteArray(), key)) {
                holder = g;
            }
        }
        if (holder == null) {
            adminDone("split at " + Keys.pretty(key) + ": n" + node + " has no range holding it");
            return;
        }
        GroupStatus g = holder;
        KvRequest increment = KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder()
                .setKey(bytes(Keys.rangeIdCounterKey())).setDelta(1)).build();
        systemKv(increment, reply -> {
            if (reply == null || !reply.hasKvResponse()) {
                adminDone("split: no new range id (" + (reply == null ? "no answer" : reply.getError().getCode()) + ")");
                return;
            }
            long newRangeId = java.nio.ByteBuffer.wrap(reply.getKvResponse().getValue().toByteArray()).getLong();
            SplitRange split = SplitRange.newBuilder().setRangeId(g.getGroupId()).setSplitKey(bytes(key))
                    .setNewRangeId(newRangeId).setExpectedGeneration(g.getRangeDescriptor().getGeneration()).build();
            long target = leaseholderOrLeader(g);
            sim.trace("admin: split r" + g.getGroupId() + " at " + Keys.pretty(key) + " into r" + newRangeId + " via n"
                    + target);
            sim.admin(target, AdminRequest.newBuilder().setSplitRange(split).build(), (r2, s2) -> {
                if (r2 == null || !r2.hasAdminResponse()) {
                    adminDone("split r" + g.getGroupId() + ": " + describe(r2));
                    return;
                }
                splits++;
                RangeDescriptor left = r2.getAdminResponse().getLeft();
                RangeDescriptor right = r2.getAdminResponse().getRight();
                sim.trace("admin: split done: " + RangeSim.pretty(left) + " + " + RangeSim.pretty(right));
                metaReplace(List.of(left, right), () -> adminDone("split meta written"));
            });
        });
    }

    private void transferLease(GroupStatus g) {
        List<Long> voters = new ArrayList<>(g.getVotersList());
        long holder = g.getLease().getHolder();
        voters.remove(holder);
        if (holder == 0 || voters.isEmpty()) {
            adminDone("no lease to transfer on r" + g.getGroupId());
            return;
        }
        long to = voters.get(random.nextInt(voters.size()));
        sim.trace("admin: transfer lease of r" + g.getGroupId() + " from n" + holder + " to n" + to);
        sim.admin(holder, AdminRequest.newBuilder().setTransferLease(TransferLease.newBuilder()
                .setRangeId(g.getGroupId()).setToNode(to)).build(), (reply, sent) -> {
                    if (reply != null && reply.hasAdminResponse()) leaseTransfers++;
                    adminDone("lease transfer of r" + g.getGroupId() + ": " + describe(reply));
                });
    }

    /**
     * One step towards a different membership, as the allocator takes them: promote a learner;
     * else remove a voter (never the leaseholder; only while more than two remain) when there
     * are more than three or no node is left to add; else add a learner on a node without one.
     */
    private void changeMembership(GroupStatus g) {
        RangeDescriptor d = g.getRangeDescriptor();
        List<Long> voters = new ArrayList<>();
        List<Long> learners = new ArrayList<>();
        for (ReplicaDescriptor rd : d.getReplicasList()) (rd.getLearner() ? learners : voters).add(rd.getNodeId());
        List<Long> others = new ArrayList<>();
        for (long id : sim.nodes.keySet()) if (!voters.contains(id) && !learners.contains(id)) others.add(id);
        AdminRequest request;
        String what;
        if (!learners.isEmpty()) {
            long n = learners.get(random.nextInt(learners.size()));
            request = AdminRequest.newBuilder().setAddReplica(AddReplica.newBuilder().setGroupId(d.getRangeId())
                    .setNodeId(n).setLearner(false)).build();
            what = "promote n" + n + " in r" + d.getRangeId();
        } else if (voters.size() > 2 && (voters.size() > 3 || others.isEmpty())) {
            List<Long> removable = new ArrayList<>(voters);
            removable.remove(g.getLease().getHolder());
            long n = removable.get(random.nextInt(removable.size()));
            request = AdminRequest.newBuilder().setRemoveReplica(RemoveReplica.newBuilder().setGroupId(d.getRangeId())
                    .setNodeId(n)).build();
            what = "remove n" + n + " from r" + d.getRangeId();
        } else if (!others.isEmpty()) {
            long n = others.get(random.nextInt(others.size()));
            request = AdminRequest.newBuilder().setAddReplica(AddReplica.newBuilder().setGroupId(d.getRangeId())
                    .setNodeId(n).setLearner(true)).build();
            what = "add learner n" + n + " to r" + d.getRangeId();
        } else {
            adminDone("r" + d.getRangeId() + " has no membership change to make");
            return;
        }
        long leader = g.getLeader() != 0 ? g.getLeader() : leaseholderOrLeader(g);
        sim.trace("admin: " + what + " via n" + leader);
        sim.admin(leader, request, (reply, sent) -> {
            if (reply != null && reply.hasAdminResponse()) membershipChanges++;
            adminDone(what + ": " + describe(reply));
        });
    }

    /**
     * The maintenance loop's meta repair on one node: for each range it leases, the meta records
     * over its span are brought up to date in one command, with the descriptors this node holds
     * for the neighbours when meta is coarser there (MetaRecords.repair).
     */
    private void repairMeta(long node, Map<Long, GroupStatus> groups) {
        List<RangeDescriptor> leased = new ArrayList<>();
        List<RangeDescriptor> known = new ArrayList<>();
        for (GroupStatus g : groups.values()) {
            if (!g.hasRangeDescriptor()) continue;
            known.add(g.getRangeDescriptor());
            if (g.getLease().getHolder() == node) leased.add(g.getRangeDescriptor());
        }
        repairEach(leased, known, 0, () -> adminDone("meta repair on n" + node + " checked " + leased.size()
                + " ranges"));
    }

    /** Checks and repairs the meta records over each of {@code ds} one after another, then runs {@code then}. */
    void repairEach(List<RangeDescriptor> ds, List<RangeDescriptor> known, int i, Runnable then) {
        if (i == ds.size()) {
            then.run();
            return;
        }
        RangeDescriptor d = ds.get(i);
        byte[] from = Keys.metaLookupStart(d.getStartKey().toByteArray());
        systemKv(KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(bytes(from))
                .setEndKey(bytes(Keys.META_END)).setLimit(MetaRecords.MAX_RECORDS_PER_UPDATE + 1)).build(), reply -> {
                    if (reply == null || !reply.hasKvResponse()) {
                        metaRequestsUnanswered++;
                        sim.trace("meta records over " + RangeSim.pretty(d) + " not read: " + describe(reply));
                        repairEach(ds, known, i + 1, then); // the next pass tries again
                        return;
                    }
                    List<RangeDescriptor> covering = new ArrayList<>();
                    for (KvPair p : reply.getKvResponse().getPairsList()) {
                        RangeDescriptor record;
                        try {
                            record = RangeDescriptor.parseFrom(p.getValue());
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw new AssertionError("meta record at " + Keys.pretty(p.getKey().toByteArray())
                                    + " does not parse", e);
                        }
                        covering.add(record);
                        if (Keys.compare(record.getEndKey().toByteArray(), d.getEndKey().toByteArray()) >= 0) break;
                    }
                    var update = MetaRecords.repair(d, covering, known);
                    if (update.isPresent()) {
                        if (update.get().size() > 1) coarseRepairs++;
                        metaReplace(update.get(), () -> repairEach(ds, known, i + 1, then));
                    } else {
                        repairEach(ds, known, i + 1, then);
                    }
                });
    }

    /** Replaces meta's records over the span of {@code ds} by them, all or none (the node's rule). */
    private void metaReplace(List<RangeDescriptor> ds, Runnable then) {
        KvRequest request = KvRequest.newBuilder().setMetaUpdates(KvMetaUpdates.newBuilder()
                .addAllRangeDescriptors(ds)).build();
        StringBuilder what = new StringBuilder("meta records of");
        for (RangeDescriptor d : ds) what.append(' ').append(RangeSim.pretty(d));
        systemKv(request, reply -> {
            if (reply != null && reply.hasKvResponse() && !reply.getKvResponse().getFound()) {
                metaUpdates++;
                sim.trace(what + " written");
            } else if (reply != null && reply.hasKvResponse()) {
                metaRefused++;
                sim.trace(what + " not written: refused by meta's rule");
            } else {
                metaRequestsUnanswered++;
                sim.trace(what + " not written: " + describe(reply));
            }
            then.run();
        });
    }

    /**
     * A request to range 1 (meta, counters) as the range client sends it: to a live node, then
     * to the holder a refusal names, until an answer that is not a refusal or
     * {@code clientAttempts} attempts; {@code then} gets the last answer (null: none).
     */
    private void systemKv(KvRequest request, Consumer<RangeReply> then) {
        systemKv(request, randomLiveNode(), 1, then);
    }

    private void systemKv(KvRequest request, long node, int attempt, Consumer<RangeReply> then) {
        sim.kv(node, request, (reply, sent) -> {
            boolean refused = reply == null ? !sent : reply.hasError() && switch (reply.getError().getCode()) {
                case NOT_LEASEHOLDER, NOT_LEADER, RANGE_NOT_FOUND, PROPOSAL_DROPPED, TIMEOUT -> true;
                default -> false;
            };
            if (!refused || attempt >= sim.options.clientAttempts()) {
                then.accept(reply);
                return;
            }
            long hint = reply == null ? 0 : reply.getError().getLeaderHint();
            long next = hint != 0 && sim.liveScheduler(hint) != null ? hint : randomLiveNode();
            sim.after(hint != 0 ? 1 : RETRY_NANOS, () -> systemKv(request, next, attempt + 1, then));
        });
    }

    /** The operator's meta repair of every range after healing, as the maintenance loops would do in time. */
    void repairAllMeta(List<RangeDescriptor> truth, Runnable then) {
        adminBusy = true;
        repairAllMeta(truth, 1, then);
    }

    /** Passes of the final repair at most: a pass whose requests all got answers is the last. */
    static final int MAX_FINAL_REPAIR_PASSES = 20;

    private void repairAllMeta(List<RangeDescriptor> truth, int pass, Runnable then) {
        int unansweredBefore = metaRequestsUnanswered;
        repairEach(truth, truth, 0, () -> {
            // A request that found range 1 between leaseholders (hints ping-ponging after the
            // heal) is asked again in another pass, as the next maintenance pass would.
            if (metaRequestsUnanswered > unansweredBefore && pass < MAX_FINAL_REPAIR_PASSES) {
                sim.after(RETRY_NANOS, () -> repairAllMeta(truth, pass + 1, then));
                return;
            }
            adminBusy = false;
            then.run();
        });
    }

    private static String describe(RangeReply reply) {
        if (reply == null) return "no answer";
        if (reply.hasError()) return reply.getError().getCode() + " " + reply.getError().getMessage();
        return "ok";
    }
}
