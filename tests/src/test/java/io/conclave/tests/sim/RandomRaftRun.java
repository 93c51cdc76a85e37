package io.conclave.tests.sim;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChange.ConfChangeType;
import io.conclave.raft.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One randomized run of one group, driven by one seed: a fault phase in which clients propose
 * commands, membership changes, leader transfers and reads while the network drops, duplicates,
 * delays and partitions messages and nodes crash and restart; then a liveness phase in which
 * every fault stops and a new command must commit on every live voter within a bound.
 *
 * <p>Every setting of the run (cluster size, Raft limits, fault rates) is itself drawn from the
 * seed, so the seed range covers many configurations, and the seed alone replays a failure.
 */
final class RandomRaftRun {
    /** Fault-phase length in ticks: long enough for several elections and a few snapshots. */
    static final int FAULT_TICKS = 250;
    /** Liveness bound after healing, in election timeouts. */
    static final int LIVENESS_ELECTION_TIMEOUTS = 40;
    /** Voters never drop below this, so that any single crash leaves a quorum. */
    private static final int MIN_VOTERS = 3;
    /** Attempts per client write before the client gives up on it. */
    private static final int MAX_PROPOSAL_ATTEMPTS = 3;

    /** What a run did, for the summary line. */
    record Stats(int voters, long steps, long leaderTerms, long commandsApplied, long confChanges,
            long snapshotsDelivered, long readStates, long restarts, long unsyncedCommitsLost) {}

    private final SplittableRandom random;
    private final SimCluster cluster;
    private final SimOptions options;
    /** 1 to 3: how often this run changes membership, transfers, crashes and partitions. */
    private final int chaos;
    private final TreeSet<Long> removed = new TreeSet<>();
    private final TreeSet<Long> everAdded = new TreeSet<>();
    private long believedLeader = 1;
    private long commandsProposed;
    private boolean faultsOn;

    RandomRaftRun(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom settings = root.split();
        this.random = root.split();
        this.options = drawOptions(settings);
        this.chaos = 1 + settings.nextInt(3);
        this.cluster = new SimCluster(options, root.nextLong());
        for (long id = 1; id <= options.voters(); id++) everAdded.add(id);
    }

    SimCluster cluster() {
        return cluster;
    }

    static SimOptions drawOptions(SplittableRandom r) {
        int voters = r.nextBoolean() ? 3 : 5;
        int stepsPerTick = 4;
        int[] electionChoices = {5, 10, 10, 20};
        int electionTicks = electionChoices[r.nextInt(electionChoices.length)];
        SimNetwork.Faults faults = new SimNetwork.Faults(r.nextInt(150), r.nextInt(60), 1 + r.nextInt(3 * stepsPerTick),
                r.nextInt(20), 10 * electionTicks * stepsPerTick);
        long[] msgSizes = {64, 512, 4096, 1 << 16};
        int[] inflights = {1, 2, 4, 64};
        long[] uncommitted = {512, 8192, 1 << 20};
        int heartbeatTicks = 1 + r.nextInt(Math.min(3, electionTicks - 1));
        return new SimOptions(voters, 2 + r.nextInt(2), stepsPerTick, r.nextInt(2), electionTicks, heartbeatTicks,
                msgSizes[r.nextInt(msgSizes.length)],
                inflights[r.nextInt(inflights.length)], uncommitted[r.nextInt(uncommitted.length)],
                r.nextInt(10) < 8, r.nextInt(10) < 8, faults, 4_000, r.nextBoolean() ? 0 : 4, r.nextBoolean(),
                r.nextBoolean(), 300);
    }

    Stats run() {
        faultsOn = true;
        long faultSteps = (long) FAULT_TICKS * options.stepsPerTick();
        for (long i = 0; i < faultSteps; i++) {
            act();
            cluster.step();
        }
        checkLiveness();
        cluster.checkLogsMatchNow();
        long restarts = 0;
        for (SimNode node : cluster.nodes()) restarts += node.restarts();
        return new Stats(options.voters(), cluster.now(), cluster.checker().leaderTermCount(),
                cluster.checker().maxAppliedIndex(), cluster.confChangesCommitted() - options.voters(),
                cluster.snapshotsDelivered(),
                cluster.checker().readStatesChecked(), restarts, cluster.unsyncedCommitsLost());
    }

    /**
     * At most one client or fault action per step, chosen at random; the per-mille weights of
     * membership changes, transfers, crashes and partitions scale with the run's chaos level.
     */
    private void act() {
        int roll = random.nextInt(1000);
        if ((roll -= 200) < 0) propose();
        else if ((roll -= 50) < 0) read();
        else if ((roll -= 6 * chaos) < 0) changeMembership();
        else if ((roll -= 3 * chaos) < 0) transferLeadership();
        else if ((roll -= 21) < 0) cluster.compact(anyNode());
        else if ((roll -= 5 * chaos) < 0) crashOne();
        else if ((roll -= 35) < 0) restartOne();
        else if ((roll -= 10 * chaos) < 0) togglePartition();
        else if ((roll -= 5) < 0) toggleNetworkFaults();
    }

    /** A client's write: refused proposals are retried, following the leader hint, a few times. */
    private void propose() {
        long commandId = 0;
        int paddingBytes = random.nextInt(64);
        for (int attempt = 0; attempt < MAX_PROPOSAL_ATTEMPTS; attempt++) {
            SimNode target = proposalTarget();
            if (target == null) return;
            commandsProposed++;
            long accepted = commandId == 0 ? cluster.propose(target.id, paddingBytes)
                    : cluster.propose(target.id, commandId, paddingBytes);
            if (accepted != 0) return;
            if (commandId == 0) commandId = cluster.lastCommandId();
            long hint = target.leaderHint();
            believedLeader = hint != 0 && hint != target.id ? hint : anyNode();
        }
    }

    private SimNode proposalTarget() {
        SimNode leader = cluster.leader();
        if (leader != null && random.nextInt(10) < 8) believedLeader = leader.id;
        SimNode target = cluster.node(believedLeader);
        return target.live() ? target : null;
    }

    private void read() {
        SimNode node = cluster.node(anyNode());
        if (node.live()) cluster.readIndex(node.id);
    }

    private void changeMembership() {
        SimNode leader = cluster.leader();
        if (leader == null) return;
        ConfState conf = leader.raft().status().confState();
        ConfChange change = null;
        if (!conf.learners().isEmpty()) {
            change = new ConfChange(ConfChangeType.ADD_VOTER, new TreeSet<>(conf.learners()).first());
        } else {
            List<Long> spares = new ArrayList<>();
            for (SimNode node : cluster.nodes()) if (!everAdded.contains(node.id)) spares.add(node.id);
            List<Long> removable = new ArrayList<>(new TreeSet<>(conf.voters()));
            // Now and then the leader removes itself: it must hand over without losing entries.
            if (random.nextInt(10) != 0) removable.remove(leader.id);
            if (!spares.isEmpty() && random.nextBoolean()) {
                change = new ConfChange(ConfChangeType.ADD_LEARNER, spares.get(random.nextInt(spares.size())));
            } else if (conf.voters().size() > MIN_VOTERS && !removable.isEmpty()) {
                change = new ConfChange(ConfChangeType.REMOVE_NODE, removable.get(random.nextInt(removable.size())));
            }
        }
        if (change == null) return;
        if (cluster.proposeConfChange(leader.id, change)) {
            if (change.type() == ConfChangeType.REMOVE_NODE) removed.add(change.nodeId());
            else everAdded.add(change.nodeId());
        }
    }

    private void transferLeadership() {
        SimNode leader = cluster.leader();
        if (leader == null) return;
        List<Long> voters = new ArrayList<>(new TreeSet<>(leader.raft().status().confState().voters()));
        voters.remove(leader.id);
        if (voters.isEmpty()) return;
        long transferee = voters.get(random.nextInt(voters.size()));
        // Sometimes ask a follower, which must forward the request to its leader.
        SimNode asked = random.nextInt(10) < 3 ? cluster.node(anyNode()) : leader;
        if (asked.live()) cluster.transferLeadership(asked.id, transferee);
    }

    private void crashOne() {
        SimNode node = cluster.node(anyNode());
        if (node.live()) cluster.crash(node.id, "at random");
    }

    private void restartOne() {
        List<Long> down = new ArrayList<>();
        for (SimNode node : cluster.nodes()) if (!node.live()) down.add(node.id);
        if (!down.isEmpty()) cluster.restart(down.get(random.nextInt(down.size())));
    }

    private void togglePartition() {
        SimNetwork network = cluster.network();
        if (network.partitioned()) {
            network.heal();
        } else if (random.nextBoolean()) {
            network.isolate(anyNode());
        } else {
            // A minority and a majority of the starting voters (spares fall wherever they are drawn).
            List<Long> side = new ArrayList<>();
            for (SimNode node : cluster.nodes()) if (random.nextInt(3) == 0) side.add(node.id);
            network.split(side);
        }
        cluster.trace().add("network " + network.describePartition());
    }

    private void toggleNetworkFaults() {
        faultsOn = !faultsOn;
        cluster.network().setFaults(faultsOn ? options.faults() : SimNetwork.Faults.NONE);
    }

    /** Heal everything, stop crashing; a leader must then commit a new command on all live voters. */
    private void checkLiveness() {
        cluster.network().heal();
        cluster.network().setFaults(SimNetwork.Faults.NONE);
        cluster.setCrashAfterPersistPerMille(0);
        for (SimNode node : cluster.nodes()) if (!node.live()) cluster.restart(node.id);
        cluster.trace().add("liveness phase: healed, all nodes up");
        long boundSteps = (long) LIVENESS_ELECTION_TIMEOUTS * options.electionTicks() * options.stepsPerTick();
        long deadline = cluster.now() + boundSteps;
        long commandId = 0;
        long proposedAt = 0;
        // A proposal can be lost with a leader that steps down; a client then proposes anew.
        long retrySteps = 4L * options.electionTicks() * options.stepsPerTick();
        while (cluster.now() < deadline) {
            // A removed replica is decommissioned by the operator once its removal is known.
            for (long id : removed) {
                if (cluster.node(id).live() && removalApplied(id)) cluster.crash(id, "decommissioned");
            }
            SimNode leader = cluster.leader();
            boolean stale = commandId != 0 && cluster.appliedIndexOf(commandId) == 0
                    && cluster.now() - proposedAt > retrySteps;
            if (leader != null && (commandId == 0 || stale)) {
                long proposed = cluster.propose(leader.id, 8);
                if (proposed != 0) {
                    commandId = proposed;
                    proposedAt = cluster.now();
                }
            }
            if (commandId != 0 && leader != null && appliedOnAllLiveVoters(leader, commandId)) {
                checkReadLiveness(cluster.appliedIndexOf(commandId), deadline);
                checkTransferLiveness(deadline);
                return;
            }
            cluster.step();
        }
        SimNode leader = cluster.leader();
        throw new SimCheck.Violation(String.format(
                "liveness: after healing, %d steps passed without a command committing on all live voters"
                        + " (%s; leader %s, command %d applied at %d, nodes %s)",
                boundSteps, options, leader == null ? "none" : leader.id + " term " + leader.term(), commandId,
                cluster.appliedIndexOf(commandId), describeNodes()));
    }

    /** A read asked of a random live voter is answered, at or after the command just committed. */
    private void checkReadLiveness(long committedIndex, long deadline) {
        long retrySteps = 4L * options.electionTicks() * options.stepsPerTick();
        List<Long> voters = liveVoters();
        long reader = voters.get(random.nextInt(voters.size()));
        long readId = 0;
        long askedAt = 0;
        while (cluster.now() < deadline) {
            if (readId == 0 || (cluster.readIndexAnswer(readId) == null && cluster.now() - askedAt > retrySteps)) {
                readId = cluster.readIndex(reader);
                askedAt = cluster.now();
            }
            Long answer = cluster.readIndexAnswer(readId);
            if (answer != null) {
                SimCheck.check(answer >= committedIndex, "read index %d below index %d committed before the read",
                        answer, committedIndex);
                return;
            }
            cluster.step();
        }
        throw new SimCheck.Violation(String.format("liveness: a read at node %d was not answered after healing (%s)%s",
                reader, options, describeNodes()));
    }

    /** Leadership moves to a chosen live voter when asked, on a healed network. */
    private void checkTransferLiveness(long deadline) {
        List<Long> voters = liveVoters();
        SimNode leader = cluster.leader();
        voters.remove(leader.id);
        if (voters.isEmpty()) return;
        long target = voters.get(random.nextInt(voters.size()));
        long retrySteps = 4L * options.electionTicks() * options.stepsPerTick();
        long askedAt = -retrySteps - 1;
        while (cluster.now() < deadline) {
            SimNode current = cluster.leader();
            if (current != null && current.id == target) return;
            if (current != null && cluster.now() - askedAt > retrySteps) {
                cluster.transferLeadership(current.id, target);
                askedAt = cluster.now();
            }
            cluster.step();
        }
        throw new SimCheck.Violation(String.format(
                "liveness: leadership did not move to node %d after healing (%s)%s", target, options, describeNodes()));
    }

    private List<Long> liveVoters() {
        List<Long> live = new ArrayList<>();
        for (long voter : new TreeSet<>(cluster.leader().raft().status().confState().voters())) {
            if (cluster.node(voter).live()) live.add(voter);
        }
        return live;
    }

    private boolean removalApplied(long id) {
        SimNode leader = cluster.leader();
        return leader != null && !leader.raft().status().confState().voters().contains(id)
                && !leader.raft().status().confState().learners().contains(id);
    }

    private boolean appliedOnAllLiveVoters(SimNode leader, long commandId) {
        long index = cluster.appliedIndexOf(commandId);
        if (index == 0) return false;
        for (long voter : leader.raft().status().confState().voters()) {
            SimNode node = cluster.node(voter);
            if (node.live() && !cluster.appliedAt(voter, index)) return false;
        }
        return true;
    }

    private String describeNodes() {
        StringBuilder out = new StringBuilder();
        for (SimNode node : cluster.nodes()) {
            out.append("\n  node ").append(node.id).append(node.live() ? " up " : " down ").append(node.role())
                    .append(" term ").append(node.term()).append(" applied ")
                    .append(node.disk.applied().appliedIndex()).append(" last ").append(node.disk.lastIndex())
                    .append(" conf ").append(new TreeSet<>(node.disk.applied().confState().voters()))
                    .append(" tick every ").append(node.tickPeriodSteps).append(" steps");
        }
        return out.toString();
    }

    private long anyNode() {
        return 1 + random.nextInt(options.nodeCount());
    }
}
