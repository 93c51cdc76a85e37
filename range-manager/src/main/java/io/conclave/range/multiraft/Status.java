package io.conclave.range.multiraft;

import io.conclave.raft.RaftStatus;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import java.util.Collection;
import java.util.TreeSet;

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
        RaftStatus s = r.raft.status();
        GroupStatus.Builder b = GroupStatus.newBuilder()
                .setGroupId(r.groupId)
                .setLeader(s.softState().leaderId())
                .setTerm(s.hardState().term())
                .setCommit(s.hardState().commit())
                .setApplied(r.applied)
                .setLastIndex(s.lastIndex())
                .addAllVoters(new TreeSet<>(r.confState.voters()))
                .addAllLearners(new TreeSet<>(r.confState.learners()))
                .setQuiesced(r.quiesced)
                .setLease(r.lease)
                .setSizeBytes(Math.max(0, r.sizeBytes));
        if (r.desc != null) b.setRangeDescriptor(r.desc);
        return b.build();
    }
}
