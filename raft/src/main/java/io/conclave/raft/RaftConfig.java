package io.conclave.raft;

/**
 * Settings of one replica, validated together.
 *
 * @param id this replica's id (a node id; never 0)
 * @param electionTicks ticks without hearing from a leader before campaigning; the actual
 *     timeout is drawn at random from [electionTicks, 2 * electionTicks) so that split votes end
 * @param heartbeatTicks ticks between leader heartbeats; must be below electionTicks
 * @param maxSizePerMsgBytes the most entry bytes in one APPEND message, so that one slow
 *     follower does not make the leader build huge messages
 * @param maxInflightMsgs APPEND messages sent to a follower and not yet acknowledged, the flow
 *     control window in replicate state
 * @param maxInflightBytes entry bytes sent to a follower and not yet acknowledged: the window is
 *     also full once they reach this (one message may cross it). It bounds the leader's memory
 *     for a follower far behind, which would otherwise get {@code maxInflightMsgs} times
 *     {@code maxSizePerMsgBytes} at once
 * @param maxUncommittedBytes the most bytes of proposed-but-uncommitted entries at a leader;
 *     proposals beyond it are refused so that a leader without a quorum cannot grow unbounded
 * @param preVote run a pre-vote round before campaigning, so a partitioned node that rejoins
 *     does not force a term bump on a healthy group
 * @param checkQuorum a leader that has not heard from a quorum within an election timeout steps
 *     down, and followers that hear from a live leader ignore vote requests (leader stickiness)
 * @param applied the index already applied by the state machine at restart
 * @param randomSeed seeds the election-timeout randomization; deterministic under simulation
 */
public record RaftConfig(
        long id,
        int electionTicks,
        int heartbeatTicks,
        long maxSizePerMsgBytes,
        int maxInflightMsgs,
        long maxInflightBytes,
        long maxUncommittedBytes,
        boolean preVote,
        boolean checkQuorum,
        long applied,
        long randomSeed) {

    /** {@code maxInflightBytes} for no bound but the message count's. */
    public static final long NO_INFLIGHT_BYTES_BOUND = Long.MAX_VALUE;
    /** Upper bound of {@code maxInflightMsgs}. */
    public static final int MAX_INFLIGHT_MSGS_LIMIT = 1 << 16;
    /** Upper bound of {@code electionTicks}. */
    public static final int MAX_ELECTION_TICKS = 1 << 24;

    public RaftConfig {
        require(id != 0, "id must not be 0");
        require(heartbeatTicks > 0, "heartbeatTicks must be positive, was %d", heartbeatTicks);
        require(electionTicks > heartbeatTicks,
                "electionTicks (%d) must exceed heartbeatTicks (%d)", electionTicks, heartbeatTicks);
        require(maxSizePerMsgBytes > 0, "maxSizePerMsgBytes must be positive");
        require(maxInflightMsgs > 0, "maxInflightMsgs must be positive, was %d", maxInflightMsgs);
        // Each leader keeps a window of this many slots per follower.
        require(maxInflightMsgs <= MAX_INFLIGHT_MSGS_LIMIT, "maxInflightMsgs must be at most %d, was %d",
                MAX_INFLIGHT_MSGS_LIMIT, maxInflightMsgs);
        // Timeouts are drawn below 2 * electionTicks, which must not overflow an int.
        require(electionTicks <= MAX_ELECTION_TICKS, "electionTicks must be at most %d, was %d",
                MAX_ELECTION_TICKS, electionTicks);
        require(maxInflightBytes > 0, "maxInflightBytes must be positive, was %d", maxInflightBytes);
        require(maxUncommittedBytes > 0, "maxUncommittedBytes must be positive");
        require(applied >= 0, "applied must not be negative");
    }

    /** Defaults suited to a 100 ms tick: heartbeats every 100 ms, elections after 1 to 2 s. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, 1 << 20, 256, 8L << 20, 64L << 20, true, true, 0, id);
    }

    public RaftConfig withApplied(long newApplied) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, maxSizePerMsgBytes, maxInflightMsgs,
                maxInflightBytes, maxUncommittedBytes, preVote, checkQuorum, newApplied, randomSeed);
    }

    public RaftConfig withRandomSeed(long seed) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, maxSizePerMsgBytes, maxInflightMsgs,
                maxInflightBytes, maxUncommittedBytes, preVote, checkQuorum, applied, seed);
    }

    private static void require(boolean ok, String fmt, Object... args) {
        if (!ok) throw new IllegalArgumentException("invalid RaftConfig: " + String.format(fmt, args));
    }
}
