package io.conclave.range.multiraft;

import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a group may go quiet, as CockroachDB does it: an idle group's leader stops heartbeating
 * and its followers stop ticking, so that thousands of idle groups cost nothing per tick.
 *
 * <p>A leader quiesces only when nothing is in flight: every member has the whole log, all of
 * it is committed and applied, no read or parked request waits and no leadership transfer is pending, and no member's
 * node is silent. It then sends each follower a heartbeat flagged {@code quiesce}; a follower
 * whose log ends exactly at the leader's commit index quiesces too. Any proposal, read, admin
 * request or Raft message other than a heartbeat response wakes a replica; a follower also wakes
 * when {@link Liveness} reports its leader's node silent, and then elects a new leader as usual.
 *
 * <p>Hazard: a quiesced follower that missed the quiesce heartbeat keeps ticking and will
 * campaign after an election timeout; its pre-vote wakes the leader (any message does), whose
 * heartbeats then settle it again. Check-quorum stickiness keeps the quiesced majority from
 * granting such votes while the leader lives. A learner never campaigns: one whose log runs past
 * its commit index asks its leader to wake instead (a probe, {@code Scheduler.askLeaderToWake}).
 */
final class Quiescence {
    private Quiescence() {}

    static boolean leaderCanQuiesce(Replica r, Liveness liveness) {
        if (!r.isLeader() || r.raft.hasReady() || !r.readableAt.isEmpty() || !r.waiting.isEmpty()) {
            return false;
        }
        RaftStatus s = r.raft.status();
        long last = s.lastIndex();
        if (s.hardState().commit() != last || r.applied != last || s.leadTransferee() != 0) return false;
        for (long member : members(r)) {
            RaftStatus.Peer p = s.progress().get(member);
            if (p == null || p.match() != last) return false;
            if (member != s.id() && liveness.isDead(member)) return false;
        }
        return true;
    }

    /** The quiesce heartbeats a leader sends, one per other member. */
    static List<Message> heartbeats(Replica r, long localNodeId) {
        RaftStatus s = r.raft.status();
        List<Message> out = new ArrayList<>();
        for (long member : members(r)) {
            if (member == localNodeId) continue;
            out.add(new Message(MessageType.HEARTBEAT, localNodeId, member, s.hardState().term(), 0, 0, null,
                    s.hardState().commit(), false, 0, null, null));
        }
        return out;
    }

    /** Called after the quiesce heartbeat was stepped into the follower. */
    static boolean followerCanQuiesce(Replica r, Message hb) {
        RaftStatus s = r.raft.status();
        return s.softState().role() == Role.FOLLOWER && s.softState().leaderId() == hb.from()
                && s.hardState().term() == hb.term() && s.lastIndex() == hb.commit()
                && s.hardState().commit() == hb.commit();
    }

    static Set<Long> members(Replica r) {
        Set<Long> m = new TreeSet<>(r.confState.voters());
        m.addAll(r.confState.learners());
        return m;
    }

    static Set<Long> peerNodes(Collection<Replica> replicas, long localNodeId) {
        Set<Long> out = new TreeSet<>();
        for (Replica r : replicas) {
            if (!r.removed) out.addAll(members(r));
        }
        out.remove(localNodeId);
        return java.util.Collections.unmodifiableSet(out); // in node order, the same in every run
    }
}
