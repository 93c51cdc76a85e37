package io.conclave.raft;

/**
 * The leader's view of one peer's log. {@code match} is the highest index known to be in the
 * peer's log; {@code next} the next index to send. Invariant: {@code match < next}.
 *
 * <ul>
 *   <li>PROBE: we do not know where the peer's log diverges; send one APPEND at a time and wait
 *       for the answer (or the next heartbeat response) before sending again.</li>
 *   <li>REPLICATE: the peer accepts what we send; stream optimistically, bounded by the
 *       {@link Inflights} window.</li>
 *   <li>SNAPSHOT: the peer needs entries we compacted; a snapshot is on its way and nothing else
 *       is sent until it is reported applied or failed.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    /** The snapshot index being sent in SNAPSHOT state. */
    long pendingSnapshot;
    /** Heard from since the last check-quorum round; the leader needs a quorum of these. */
    boolean recentActive;
    /** In PROBE: an APPEND is outstanding. In REPLICATE: the window is full. */
    boolean paused;
    boolean isLearner;
    /** Heartbeat responses received while waiting for a snapshot acknowledgement. */
    int snapshotWaitHeartbeats;
    final Inflights inflights;

    Progress(long next, int maxInflight, long maxInflightBytes, boolean isLearner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight, maxInflightBytes);
        this.isLearner = isLearner;
    }

    private void resetState(State s) {
        paused = false;
        pendingSnapshot = 0;
        snapshotWaitHeartbeats = 0;
        state = s;
        inflights.reset();
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(State.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(long snapshotIndex) {
        resetState(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** Records an APPEND just sent with {@code entries} entries of {@code bytes} starting at {@code next}. */
    void sentEntries(int entries, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (entries > 0) {
                    next += entries;
                    inflights.add(next - 1, bytes);
                }
                paused = inflights.full();
            }
            case PROBE -> paused = true;
            case SNAPSHOT -> Invariants.check(false, "sending entries to a peer in snapshot state");
        }
    }

    /** An acknowledgement up to {@code index}; returns whether it told us something new. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            paused = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * A rejection of the APPEND at {@code rejected}; {@code matchHint} is the peer's guess of the
     * last index that may match. Returns false if the rejection is stale.
     */
    boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) return false;
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) return false;
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        paused = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE, REPLICATE -> paused;
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (isLearner ? " learner" : "")
                + (state == State.SNAPSHOT ? " pendingSnapshot=" + pendingSnapshot : "")
                + " inflight=" + inflights.count() + " (" + inflights.bytes() + " bytes)";
    }
}
