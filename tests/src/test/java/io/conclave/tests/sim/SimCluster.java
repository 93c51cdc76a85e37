package io.conclave.tests.sim;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.ProposalDroppedException;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.ReadState;
import io.conclave.raft.Ready;
import io.conclave.raft.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * One Raft group under simulation: its replicas, the network between them, and the driver loop
 * that runs each {@link io.conclave.raft.RawNode} the way production does. Single-threaded and a
 * pure function of its seed: no clock, no sleeps, no threads, and every random choice comes from
 * a {@link SplittableRandom} split off the root seed.
 *
 * <p>Driver order for each Ready, as {@link Ready} prescribes: persist snapshot, entries and hard
 * state to the node's {@link SimDisk}; send messages; apply committed entries (persisting the
 * state machine with its applied index); hand read states to the client; advance.
 */
final class SimCluster {
    /** A Ready loop that does not settle within this many rounds is a livelock in Raft. */
    private static final int MAX_READY_ROUNDS = 1_000;
    /** An asynchronous driver's apply queue per node; beyond it the driver catches up at once. */
    private static final int MAX_PENDING_READYS = 16;

    private final SimOptions options;
    private final SplittableRandom random;
    private final SimNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    private final SimTrace trace;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** Conf changes proposed, by the (index, term) the leader gave them, to cross-check decoding. */
    private final Map<List<Long>, ConfChange> proposedConfChanges = new HashMap<>();
    /** Command id to the index where it was first applied. */
    private final Map<Long, Long> appliedCommands = new HashMap<>();
    private final Map<Long, Long> readIndexAnswers = new HashMap<>();
    private long step;
    private long nextCommandId = 1;
    private long nextReadId = 1;
    private long snapshotsDelivered;
    private final long[] deliveredByType = new long[MessageType.values().length];
    private long lastConfChangeIndex;
    private long unsyncedCommitsLost;
    private long confChangesCommitted;
    private long proposalsDropped;
    private int crashAfterPersistPerMille;
    /** Debugging aid: trace every delivered message, not only the rare ones. */
    private boolean traceAllMessages;

    SimCluster(SimOptions options, long seed) {
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(random.split(), options.faults(), options.maxInFlightMessages());
        this.trace = new SimTrace(options.traceLines());
        this.crashAfterPersistPerMille = options.crashAfterPersistPerMille();
        long[] voterIds = new long[options.voters()];
        for (int i = 0; i < voterIds.length; i++) voterIds[i] = i + 1;
        ConfState initial = ConfState.ofVoters(voterIds);
        for (long id = 1; id <= options.nodeCount(); id++) {
            int jitter = options.tickJitterSteps();
            int period = options.stepsPerTick() + (jitter == 0 ? 0 : random.nextInt(-jitter, jitter + 1));
            SimNode node = new SimNode(id, id <= options.voters() ? initial : ConfState.EMPTY, random.split(), period);
            nodes.put(id, node);
        }
        for (SimNode node : nodes.values()) node.start(options);
    }

    // ---- the loop ----

    /** Advances one network step: delivers due messages, then ticks the nodes whose tick is due. */
    void step() {
        step++;
        trace.setStep(step);
        for (SimNode node : nodes.values()) {
            if (!node.pendingReadys.isEmpty() && random.nextBoolean()) {
                finishPendingReadys(node);
                observe(node);
                handleReady(node);
            }
        }
        for (SimNetwork.Arrival arrival : network.due(step)) deliver(arrival);
        for (SimNode node : nodes.values()) {
            if (node.live() && (step + node.id) % node.tickPeriodSteps == 0) {
                node.raft().tick();
                handleReady(node);
            }
        }
        if (step % 64 == 0) checkAllLogsMatch();
    }

    void runSteps(long count) {
        for (long i = 0; i < count; i++) step();
    }

    void runTicks(long ticks) {
        runSteps(ticks * options.stepsPerTick());
    }

    /** Steps until {@code done} holds; returns false if it did not within {@code maxSteps}. */
    boolean runUntil(BooleanSupplier done, long maxSteps) {
        for (long i = 0; i < maxSteps; i++) {
            if (done.getAsBoolean()) return true;
            step();
        }
        return done.getAsBoolean();
    }

    private void deliver(SimNetwork.Arrival arrival) {
        Message message = arrival.message();
        SimNode target = nodes.get(message.to());
        if (arrival.loss() != null || target == null || !target.live()) {
            onLost(message, arrival.loss() == null ? "destination down" : arrival.loss().toString());
            return;
        }
        if (traceAllMessages) trace.add("deliver " + message);
        deliveredByType[message.type().ordinal()]++;
        target.raft().step(message);
        handleReady(target);
        if (message.type() == MessageType.SNAPSHOT) {
            snapshotsDelivered++;
            SimNode sender = nodes.get(message.from());
            if (sender != null && sender.live()) {
                sender.raft().reportSnapshot(message.to(), target.live());
                handleReady(sender);
            }
        }
    }

    /** Tells a live sender what a real transport would notice: the peer is unreachable. */
    private void onLost(Message message, String why) {
        SimNode sender = nodes.get(message.from());
        if (message.type() == MessageType.SNAPSHOT) trace.add("lost " + message + ": " + why);
        if (sender == null || !sender.live() || why.equals(SimNetwork.Loss.DROPPED.toString())) return;
        if (message.type() == MessageType.SNAPSHOT) sender.raft().reportSnapshot(message.to(), false);
        sender.raft().reportUnreachable(message.to());
        handleReady(sender);
    }

    /**
     * Handles every Ready {@code node} has. A synchronous driver persists, sends, applies and
     * advances each in turn; an asynchronous one (half the random seeds) persists and sends at
     * once but applies and advances later, in order, as a pipelined production driver would.
     */
    private void handleReady(SimNode node) {
        for (int round = 0; node.live() && node.raft().hasReady(); round++) {
            SimCheck.check(round < MAX_READY_ROUNDS, "node %d still has a Ready after %d rounds", node.id, round);
            Ready ready = node.raft().ready();
            // A snapshot replaces the state machine: everything committed before it is applied first.
            if (!ready.snapshot().isEmpty()) finishPendingReadys(node);
            persist(node, ready);
            if (chance(crashAfterPersistPerMille)) {
                crash(node.id, "after persisting a Ready, before sending it");
                return;
            }
            List<Message> lostAtSend = send(ready.messages());
            if (options.asyncApply() && node.pendingReadys.size() < MAX_PENDING_READYS) {
                node.pendingReadys.addLast(ready);
            } else {
                finishPendingReadys(node);
                finishReady(node, ready);
            }
            observe(node);
            for (Message message : lostAtSend) onLost(message, SimNetwork.Loss.PARTITIONED.toString());
        }
    }

    /** Applies and advances every Ready persisted and sent but not yet applied, oldest first. */
    private void finishPendingReadys(SimNode node) {
        while (node.live() && !node.pendingReadys.isEmpty()) finishReady(node, node.pendingReadys.removeFirst());
    }

    private void finishReady(SimNode node, Ready ready) {
        apply(node, ready.committedEntries());
        for (ReadState state : ready.readStates()) {
            checker.onReadState(node.id, state);
            readIndexAnswers.merge(ByteBuffer.wrap(state.context()).getLong(), state.index(), Math::max);
        }
        node.raft().advance(ready);
    }

    private void persist(SimNode node, Ready ready) {
        SimDisk disk = node.disk;
        if (!ready.snapshot().isEmpty()) {
            long index = ready.snapshot().metadata().index();
            SimCheck.check(index > disk.applied().appliedIndex(),
                    "node %d was handed a snapshot at index %d, not beyond its applied index %d", node.id, index,
                    disk.applied().appliedIndex());
            disk.installSnapshot(ready.snapshot());
            checker.onSnapshotInstalled(node.id, disk.applied());
            trace.add("node " + node.id + " installed snapshot at " + index);
        }
        if (!ready.entries().isEmpty()) {
            disk.append(ready.entries());
            checker.onPersistEntries(node.id, disk, ready.entries());
        }
        if (ready.hardState() != null) {
            disk.setHardState(ready.hardState());
            checker.onPersistHardState(node.id, disk, ready.hardState());
        }
        if (ready.mustSync()) disk.sync();
    }

    /** Sends in a fixed order (by destination, stable) so that runs do not depend on set iteration. */
    private List<Message> send(List<Message> messages) {
        List<Message> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparingLong(Message::to));
        List<Message> lost = new ArrayList<>();
        for (Message message : sorted) {
            SimCheck.check(message.from() != message.to(), "a replica sent itself %s", message);
            SimNetwork.Loss loss = network.send(message, step);
            if (message.type() == MessageType.SNAPSHOT) {
                trace.add("sent " + message + (loss == null ? "" : " lost: " + loss));
            }
            if (loss == SimNetwork.Loss.PARTITIONED) lost.add(message);
        }
        return lost;
    }

    private void apply(SimNode node, List<Entry> committed) {
        for (Entry entry : committed) {
            checker.onApply(node.id, entry);
            ConfState confState = null;
            if (entry.type() == EntryType.CONF_CHANGE && entry.data().length > 0) {
                ConfChange change = decodeConfChange(entry);
                if (entry.index() > lastConfChangeIndex) {
                    lastConfChangeIndex = entry.index();
                    confChangesCommitted++;
                }
                confState = node.raft().applyConfChange(change);
                trace.add("node " + node.id + " applied " + change + " at " + entry.index() + " -> voters "
                        + new TreeSet<>(confState.voters()) + " learners " + new TreeSet<>(confState.learners()));
            } else if (entry.type() == EntryType.NORMAL && entry.data().length >= 8) {
                appliedCommands.putIfAbsent(ByteBuffer.wrap(entry.data()).getLong(), entry.index());
            }
            node.disk.recordApplied(entry, confState);
        }
    }

    /**
     * Decodes a committed conf change as production does, from the entry's bytes; if the client
     * proposed it, the decoded change must be the one proposed (checks the encoding round trip).
     */
    private ConfChange decodeConfChange(Entry entry) {
        ConfChange decoded = ConfChange.decode(entry.data());
        ConfChange proposed = proposedConfChanges.get(List.of(entry.index(), entry.term()));
        SimCheck.check(proposed == null || proposed.equals(decoded),
                "conf change at %s decodes to %s but %s was proposed there", entry, decoded, proposed);
        return decoded;
    }

    private void observe(SimNode node) {
        RaftStatus status = node.raft().status();
        Role role = status.softState().role();
        long term = status.hardState().term();
        if (role == Role.LEADER && !(node.role() == Role.LEADER && node.term() == term)) {
            trace.add("node " + node.id + " became leader of term " + term);
        }
        node.observe(role, term, status.softState().leaderId());
        if (role == Role.LEADER) checker.onLeader(node.id, term, node.disk);
    }

    private void checkAllLogsMatch() {
        List<SimNode> all = new ArrayList<>(nodes.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                checker.checkLogsMatch(all.get(i).id, all.get(i).disk, all.get(j).id, all.get(j).disk);
            }
        }
    }

    // ---- client actions ----

    /**
     * Proposes a new command at {@code nodeId}; returns its command id, or 0 if Raft refused it.
     * {@code paddingBytes} of filler make entries of varied size for the size limits.
     */
    long propose(long nodeId, int paddingBytes) {
        return propose(nodeId, nextCommandId++, paddingBytes);
    }

    /** Proposes command {@code commandId} (a client's retry reuses it); returns it, or 0 if refused. */
    long propose(long nodeId, long commandId, int paddingBytes) {
        SimNode node = liveNode(nodeId);
        nextCommandId = Math.max(nextCommandId, commandId + 1);
        byte[] data = ByteBuffer.allocate(8 + paddingBytes).putLong(commandId).array();
        try {
            node.raft().propose(data);
        } catch (ProposalDroppedException dropped) {
            proposalsDropped++;
            if (dropped.leaderHint() != 0) node.observe(node.role(), node.term(), dropped.leaderHint());
            return 0;
        }
        handleReady(node);
        return commandId;
    }

    /** The id of the most recently proposed command, accepted or not. */
    long lastCommandId() {
        return nextCommandId - 1;
    }

    /** Proposes a membership change at {@code nodeId}; returns false if Raft refused it. */
    boolean proposeConfChange(long nodeId, ConfChange change) {
        SimNode node = liveNode(nodeId);
        long index;
        try {
            index = node.raft().proposeConfChange(change);
        } catch (ProposalDroppedException dropped) {
            proposalsDropped++;
            return false;
        }
        proposedConfChanges.put(List.of(index, node.raft().status().hardState().term()), change);
        trace.add("node " + nodeId + " proposed " + change + " at " + index);
        handleReady(node);
        return true;
    }

    void transferLeadership(long nodeId, long transferee) {
        trace.add("node " + nodeId + " transfers leadership to " + transferee);
        liveNode(nodeId).raft().transferLeadership(transferee);
        handleReady(liveNode(nodeId));
    }

    /** Asks {@code nodeId} for a linearizable read point; returns the read id. */
    long readIndex(long nodeId) {
        long readId = nextReadId++;
        byte[] context = SafetyChecker.readContext(readId);
        checker.onReadRequested(context);
        liveNode(nodeId).raft().readIndex(context);
        handleReady(liveNode(nodeId));
        return readId;
    }

    /** Delivers a message at once, bypassing the network: for scenarios that forge a message. */
    void deliverNow(Message message) {
        trace.add("forged " + message);
        deliver(new SimNetwork.Arrival(message, null));
    }

    void campaign(long nodeId) {
        liveNode(nodeId).raft().campaign();
        handleReady(liveNode(nodeId));
    }

    /** Takes a snapshot of {@code nodeId}'s state machine and compacts its log up to it. */
    void compact(long nodeId) {
        SimNode node = nodes.get(nodeId);
        long before = node.disk.firstIndex();
        node.disk.snapshotAndCompact();
        if (node.disk.firstIndex() != before) {
            trace.add("node " + nodeId + " compacted to " + node.disk.snapshotIndex());
        }
    }

    void crash(long nodeId, String when) {
        trace.add("node " + nodeId + " crashed " + when);
        long commitBefore = node(nodeId).disk.hardState().commit();
        HardState survived = liveNode(nodeId).crash(options.loseUnsyncedCommit());
        if (survived.commit() != commitBefore) {
            unsyncedCommitsLost++;
            trace.add("node " + nodeId + " lost its unsynced commit index " + commitBefore + ", back to "
                    + survived.commit() + " (applied " + node(nodeId).disk.applied().appliedIndex() + ")");
        }
        checker.onCrash(nodeId, survived);
    }

    void restart(long nodeId) {
        SimNode node = nodes.get(nodeId);
        trace.add("node " + nodeId + " restarted at applied " + node.disk.applied().appliedIndex() + " commit "
                + node.disk.hardState().commit());
        node.start(options);
        observe(node);
        handleReady(node);
    }

    void setTraceAllMessages(boolean on) {
        traceAllMessages = on;
    }

    void setCrashAfterPersistPerMille(int perMille) {
        crashAfterPersistPerMille = perMille;
    }

    // ---- observations ----

    /** The live leader of the highest term, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode node : nodes.values()) {
            if (node.isLeader() && (best == null || node.term() > best.term())) best = node;
        }
        return best;
    }

    /** The index where a command was first applied, or 0 if it was not (yet). */
    long appliedIndexOf(long commandId) {
        return appliedCommands.getOrDefault(commandId, 0L);
    }

    boolean appliedAt(long nodeId, long index) {
        return nodes.get(nodeId).disk.applied().appliedIndex() >= index;
    }

    Long readIndexAnswer(long readId) {
        return readIndexAnswers.get(readId);
    }

    SimNode node(long id) {
        SimNode node = nodes.get(id);
        SimCheck.check(node != null, "no node %d", id);
        return node;
    }

    Collection<SimNode> nodes() {
        return nodes.values();
    }

    SimNetwork network() {
        return network;
    }

    SafetyChecker checker() {
        return checker;
    }

    SimTrace trace() {
        return trace;
    }

    SimOptions options() {
        return options;
    }

    long now() {
        return step;
    }

    /** Messages delivered so far, by type (indexed by ordinal). */
    long[] deliveredByType() {
        return deliveredByType.clone();
    }

    long snapshotsDelivered() {
        return snapshotsDelivered;
    }

    /** Crashes that lost an unsynced commit index. */
    long unsyncedCommitsLost() {
        return unsyncedCommitsLost;
    }

    /** Membership changes committed, counting the bootstrap entries. */
    long confChangesCommitted() {
        return confChangesCommitted;
    }

    long proposalsDropped() {
        return proposalsDropped;
    }

    /** Final whole-log comparison, for the end of a run. */
    void checkLogsMatchNow() {
        checkAllLogsMatch();
    }

    private SimNode liveNode(long nodeId) {
        SimNode node = node(nodeId);
        SimCheck.check(node.live(), "node %d is down", nodeId);
        return node;
    }

    private boolean chance(int perMille) {
        return perMille > 0 && random.nextInt(1000) < perMille;
    }
}
