package io.conclave.range.multiraft;

import io.conclave.raft.HardState;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Observable state of replicas, for the status verb, admin answers and tests. */
final class Status {
    private Status() {}

    static AdminResponse of(Collection<Replica> replicas) {
        AdminResponse.Builder b = AdminResponse.newBuilder();
        for (Replica r : replicas) {
            if (!r.removed && !r.retired) b.addGroups(of(r));
        }
        return b.build();
    }

    static GroupStatus of(Replica r) {
        // Not RawNode.status(): it builds the configuration and every peer's progress, and the
        // maintenance loop asks for all replicas' status every few seconds (10,000 ranges).
        HardState hs = r.raft.hardState();
        GroupStatus.Builder b = GroupStatus.newBuilder()
                .setGroupId(r.groupId)
                .setLeader(r.raft.softState().leaderId())
                .setTerm(hs.term())
                .setCommit(hs.commit())
                .setApplied(r.applied)
                .setLastIndex(r.raft.lastIndex())
                .addAllVoters(sorted(r.confState.voters()))
                .addAllLearners(sorted(r.confState.learners()))
                .setQuiesced(r.quiesced)
                .setLease(r.lease)
                .setSizeBytes(Math.max(0, r.sizeBytes));
        if (r.desc != null) b.setRangeDescriptor(r.desc);
        return b.build();
    }

    private static List<Long> sorted(Set<Long> ids) {
        if (ids.size() <= 1) return List.copyOf(ids);
        Long[] a = ids.toArray(new Long[0]);
        Arrays.sort(a);
        return Arrays.asList(a);
    }
}
