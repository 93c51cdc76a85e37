package io.conclave.raft;

import java.util.List;

/**
 * A message between two replicas of one group. Fields a type does not use are zero, empty or
 * null: {@code snapshot} is set only on {@link MessageType#SNAPSHOT}.
 */
public record Message(
        MessageType type,
        long from,
        long to,
        long term,
        long logTerm,
        long index,
        List<Entry> entries,
        long commit,
        boolean reject,
        long rejectHint,
        Snapshot snapshot,
        byte[] context) {

    public Message {
        entries = entries == null ? List.of() : List.copyOf(entries);
        if (context == null) context = new byte[0];
    }

    @Override
    public String toString() {
        return type + "{" + from + "->" + to + " t" + term + " lt" + logTerm + " i" + index
                + " n" + entries.size() + " c" + commit + (reject ? " reject hint" + rejectHint : "")
                + (snapshot != null ? " snap@" + snapshot.metadata().index() : "") + "}";
    }
}
