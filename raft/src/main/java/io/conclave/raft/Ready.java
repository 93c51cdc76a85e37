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
