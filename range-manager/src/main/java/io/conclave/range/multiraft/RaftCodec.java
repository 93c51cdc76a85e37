package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.range.rpc.RaftEntry;
import io.conclave.range.rpc.RaftMessage;
import io.conclave.range.rpc.RaftMessageType;
import io.conclave.range.rpc.RaftSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Translates Raft's records to and from the wire schema; protobuf stays at this edge. */
final class RaftCodec {
    private RaftCodec() {}

    static RaftMessage encode(long groupId, Message m) {
        RaftMessage.Builder b = RaftMessage.newBuilder()
                .setGroupId(groupId)
                .setType(RaftMessageType.valueOf(m.type().name()))
                .setFrom(m.from())
                .setTo(m.to())
                .setTerm(m.term())
                .setLogTerm(m.logTerm())
                .setIndex(m.index())
                .setCommit(m.commit())
                .setReject(m.reject())
                .setRejectHint(m.rejectHint());
        for (Entry e : m.entries()) b.addEntries(encode(e));
        if (m.snapshot() != null && !m.snapshot().isEmpty()) b.setSnapshot(encode(m.snapshot()));
        if (m.context().length > 0) b.setContext(ByteString.copyFrom(m.context()));
        return b.build();
    }

    static Message decode(RaftMessage p) {
        MessageType type = decodeType(p.getType());
        List<Entry> entries = new ArrayList<>(p.getEntriesCount());
        for (RaftEntry e : p.getEntriesList()) entries.add(decode(e));
        Snapshot snapshot = p.hasSnapshot() ? decode(p.getSnapshot()) : null;
        return new Message(type, p.getFrom(), p.getTo(), p.getTerm(), p.getLogTerm(), p.getIndex(),
                entries, p.getCommit(), p.getReject(), p.getRejectHint(), snapshot,
                p.getContext().toByteArray());
    }

    static RaftEntry encode(Entry e) {
        return RaftEntry.newBuilder()
                .setTerm(e.term())
                .setIndex(e.index())
                .setConfChange(e.type() == EntryType.CONF_CHANGE)
                .setData(ByteString.copyFrom(e.data()))
                .build();
    }

    static Entry decode(RaftEntry e) {
        EntryType type = e.getConfChange() ? EntryType.CONF_CHANGE : EntryType.NORMAL;
        return new Entry(e.getTerm(), e.getIndex(), type, e.getData().toByteArray());
    }

    static RaftSnapshot encode(Snapshot s) {
        SnapshotMetadata meta = s.metadata();
        return RaftSnapshot.newBuilder()
                .setIndex(meta.index())
                .setTerm(meta.term())
                .addAllVoters(new TreeSet<>(meta.confState().voters()))
                .addAllLearners(new TreeSet<>(meta.confState().learners()))
                .setData(ByteString.copyFrom(s.data()))
                .build();
    }

    static Snapshot decode(RaftSnapshot s) {
        ConfState cs = new ConfState(new TreeSet<>(s.getVotersList()), new TreeSet<>(s.getLearnersList()));
        return new Snapshot(new SnapshotMetadata(s.getIndex(), s.getTerm(), cs), s.getData().toByteArray());
    }

    private static MessageType decodeType(RaftMessageType t) {
        // The wire enum and Raft's enum share names; a type one side lacks is a protocol error.
        if (t == RaftMessageType.UNRECOGNIZED || t == RaftMessageType.RAFT_MESSAGE_TYPE_UNSPECIFIED) {
            throw new IllegalArgumentException("unknown raft message type on the wire: " + t);
        }
        return MessageType.valueOf(t.name());
    }
}
