package io.conclave.raft;

import java.util.List;

/**
 * Everything a caller must do after {@link RawNode} changed state, in this order:
 * <ol>
 *   <li>persist {@code snapshot} (if not empty), {@code entries} and {@code hardState} (if not
 *       null), durably (fsync) when {@code mustSync};</li>
 *   <li>send {@code messages} (they may depend on what was just persisted);</li>
 *   <li>apply {@code committedEntries} to the state machine, in order;</li>
 *   <li>call {@link RawNode#advance(Ready)}.</li>
 * </ol>
 *
 * <p>{@code softState} and {@code hardState} are null when unchanged since the previous Ready.
 * {@code mustSync} is false only when the write is a commit-index change alone, which may be
 * lost in a crash without harm (the commit index is re-learned). {@code committedEntries} are
 * only entries persisted locally by an earlier, advanced Ready. A snapshot, when not {@link
 * Snapshot#isEmpty() empty}, replaces the log and the state machine and comes before {@code
 * entries}, which follow it. Each item is handed out once; Readys are advanced in the order
 * they were handed out.
 */
public record Ready(
        SoftState softState,
        HardState hardState,
        List<Entry> entries,
        Snapshot snapshot,
        List<Entry> committedEntries,
        List<Message> messages,
        List<ReadState> readStates,
        boolean mustSync) {

    public Ready {
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
        readStates = List.copyOf(readStates);
        if (snapshot == null) snapshot = Snapshot.EMPTY;
    }
}
