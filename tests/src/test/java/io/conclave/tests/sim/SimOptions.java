package io.conclave.tests.sim;

import io.conclave.raft.RaftConfig;

/**
 * Settings of one simulated group, validated together.
 *
 * @param voters replicas that start as voters, ids 1..voters
 * @param spares replicas that start empty (ids after the voters) and may be added later
 * @param stepsPerTick network steps per Raft tick; message delays are counted in steps, so this
 *     sets how slow the network is compared with heartbeats and election timeouts
 * @param tickJitterSteps each node's tick period is drawn from {@code stepsPerTick} plus or minus
 *     this, so that clocks run at different rates (a slow follower, a fast leader)
 * @param electionTicks passed to every replica's {@link RaftConfig}
 * @param heartbeatTicks passed to every replica's {@link RaftConfig}
 * @param maxSizePerMsgBytes passed on; small values force many APPEND messages per catch-up
 * @param maxInflightMsgs passed on; small values exercise flow control
 * @param maxUncommittedBytes passed on; small values make proposals bounce off the limit
 * @param preVote passed on
 * @param checkQuorum passed on
 * @param faults the network's drop, duplicate and delay settings while faults are on
 * @param maxInFlightMessages messages the network holds at once before it loses new ones
 * @param crashAfterPersistPerMille chance, per handled Ready, of crashing after persisting it but
 *     before sending its messages
 * @param loseUnsyncedCommit whether a crash loses hard states written by Readies that did not
 *     ask for a sync ({@code mustSync == false}: only the commit index changed), as a storage
 *     engine that skips fsync for them would; the applied state machine is always synced
 * @param asyncApply whether the driver applies and advances each Ready a little later than it
 *     persists and sends it (pipelined), instead of all at once
 * @param traceLines events kept for the failure report
 */
record SimOptions(
        int voters,
        int spares,
        int stepsPerTick,
        int tickJitterSteps,
        int electionTicks,
        int heartbeatTicks,
        long maxSizePerMsgBytes,
        int maxInflightMsgs,
        long maxUncommittedBytes,
        boolean preVote,
        boolean checkQuorum,
        SimNetwork.Faults faults,
        int maxInFlightMessages,
        int crashAfterPersistPerMille,
        boolean loseUnsyncedCommit,
        boolean asyncApply,
        int traceLines) {

    SimOptions {
        SimCheck.check(voters >= 1 && voters <= 7, "voters %d outside [1, 7]", voters);
        SimCheck.check(spares >= 0 && spares <= 4, "spares %d outside [0, 4]", spares);
        SimCheck.check(stepsPerTick >= 1, "stepsPerTick must be positive, was %d", stepsPerTick);
        SimCheck.check(tickJitterSteps >= 0 && tickJitterSteps < stepsPerTick,
                "tickJitterSteps %d outside [0, stepsPerTick)", tickJitterSteps);
        SimCheck.check(crashAfterPersistPerMille >= 0 && crashAfterPersistPerMille <= 1000,
                "crashAfterPersistPerMille %d outside [0, 1000]", crashAfterPersistPerMille);
        SimCheck.check(traceLines > 0, "traceLines must be positive, was %d", traceLines);
        // Validate the Raft settings now rather than at the first node start (the fields are not
        // assigned yet inside a compact constructor, so pass the parameters).
        new RaftConfig(1, electionTicks, heartbeatTicks, maxSizePerMsgBytes, maxInflightMsgs,
                RaftConfig.NO_INFLIGHT_BYTES_BOUND, maxUncommittedBytes, preVote, checkQuorum, 0, 0);
    }

    /** Calm defaults: no network faults, generous limits, pre-vote and check-quorum on. */
    static SimOptions calm(int voters, int spares) {
        return new SimOptions(voters, spares, 4, 0, 10, 2, 1 << 16, 64, 1 << 24, true, true, SimNetwork.Faults.NONE,
                10_000, 0, false, false, 400);
    }

    SimOptions withFaults(SimNetwork.Faults newFaults) {
        return new SimOptions(voters, spares, stepsPerTick, tickJitterSteps, electionTicks, heartbeatTicks,
                maxSizePerMsgBytes, maxInflightMsgs, maxUncommittedBytes, preVote, checkQuorum, newFaults,
                maxInFlightMessages, crashAfterPersistPerMille, loseUnsyncedCommit, asyncApply, traceLines);
    }

    SimOptions withMaxSizePerMsgBytes(long bytes) {
        return new SimOptions(voters, spares, stepsPerTick, tickJitterSteps, electionTicks, heartbeatTicks, bytes,
                maxInflightMsgs, maxUncommittedBytes, preVote, checkQuorum, faults, maxInFlightMessages,
                crashAfterPersistPerMille, loseUnsyncedCommit, asyncApply, traceLines);
    }

    RaftConfig raftConfig(long id, long applied, long randomSeed) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, maxSizePerMsgBytes, maxInflightMsgs,
                RaftConfig.NO_INFLIGHT_BYTES_BOUND, maxUncommittedBytes, preVote, checkQuorum, applied, randomSeed);
    }

    int nodeCount() {
        return voters + spares;
    }
}
