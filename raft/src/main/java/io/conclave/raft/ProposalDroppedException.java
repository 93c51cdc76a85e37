package io.conclave.raft;

/** A proposal Raft refused; the caller may retry elsewhere or later, depending on the reason. */
public final class ProposalDroppedException extends RuntimeException {
    public enum Reason {
        /** This replica is not the leader; {@link #leaderHint()} names the leader if known. */
        NOT_LEADER,
        /** The leader's uncommitted log is above {@code RaftConfig.maxUncommittedBytes}. */
        UNCOMMITTED_LIMIT,
        /** A leadership transfer is in progress. */
        TRANSFERRING_LEADERSHIP,
        /** A membership change is already pending; one at a time. */
        CONF_CHANGE_PENDING
    }

    private final Reason reason;
    private final long leaderHint;

    public ProposalDroppedException(Reason reason, long leaderHint, String message) {
        super(message);
        this.reason = reason;
        this.leaderHint = leaderHint;
    }

    public Reason reason() {
        return reason;
    }

    public long leaderHint() {
        return leaderHint;
    }
}
