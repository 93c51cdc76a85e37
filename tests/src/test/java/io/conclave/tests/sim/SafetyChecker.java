package io.conclave.tests.sim;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.ReadState;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches one simulated group from outside and checks Raft's safety properties as events happen,
 * over the whole run (across crashes and restarts):
 *
 * <ul>
 *   <li>election safety: at most one leader per term;</li>
 *   <li>log matching: every persisted entry at (index, term) has the same content and the same
 *       previous term everywhere, which by induction makes two logs that share (index, term)
 *       identical up to it; {@link #checkLogsMatch} also compares whole persisted logs;</li>
 *   <li>leader completeness: when a replica first acts as leader of a term, its log holds every
 *       entry known to be committed (applied anywhere) at that moment;</li>
 *   <li>state-machine safety: all replicas apply the same entry at each index;</li>
 *   <li>persisted hard state: term never decreases, the vote of a term never changes, commit never
 *       decreases (even across restarts) and never points past the persisted log;</li>
 *   <li>linearizable ReadIndex: a read point is at least every index committed before the read
 *       was requested.</li>
 * </ul>
 */
final class SafetyChecker {
    private record IndexTerm(long index, long term) {}

    /** What every copy of the entry at (index, term) must look like. */
    private record EntryShape(long fingerprint, long previousTerm) {}

    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    private final Map<IndexTerm, EntryShape> entryShapes = new HashMap<>();
    private final Map<Long, HardState> persistedHardState = new HashMap<>();
    /** Fingerprint of the entry applied at index i (position i - 1), by whoever applied it first. */
    private long[] appliedFingerprints = new long[256];
    private long maxAppliedIndex;
    private final Map<Long, Long> committedAtReadRequest = new HashMap<>();
    private long readRequests;
    private long readStatesChecked;

    /** Entries were just persisted at {@code node}; {@code disk} already holds them. */
    void onPersistEntries(long node, SimDisk disk, List<Entry> entries) {
        long commitBefore = persistedCommit(node);
        for (Entry entry : entries) {
            long previousIndex = entry.index() - 1;
            long previousTerm;
            if (previousIndex == 0) previousTerm = 0;
            else if (previousIndex < disk.snapshotIndex()) previousTerm = -1; // compacted, unknown
            else previousTerm = disk.term(previousIndex);
            EntryShape shape = new EntryShape(AppliedState.fingerprint(entry), previousTerm);
            // Entries up to this node's own commit index are committed: they may be rewritten
            // only with themselves. (A deposed leader's own fresh proposals may sit at indexes
            // committed elsewhere; those are beyond its commit index and not checked here.)
            SimCheck.check(entry.index() > Math.min(commitBefore, maxAppliedIndex)
                            || appliedFingerprints[(int) (entry.index() - 1)] == shape.fingerprint,
                    "committed entries are immutable: node %d persisted %s over the committed entry at index %d"
                            + " (its commit index was %d)", node, entry, entry.index(), commitBefore);
            EntryShape known = entryShapes.putIfAbsent(new IndexTerm(entry.index(), entry.term()), shape);
            if (known == null) continue;
            SimCheck.check(known.fingerprint == shape.fingerprint,
                    "log matching: node %d persisted %s whose content differs from another copy at the same"
                            + " index and term",
                    node, entry);
            SimCheck.check(known.previousTerm == shape.previousTerm || known.previousTerm < 0 || previousTerm < 0,
                    "log matching: node %d persisted %s after an entry of term %d, another log has it after term %d",
                    node, entry, previousTerm, known.previousTerm);
        }
    }

    /** A hard state was just persisted at {@code node}, after that Ready's entries and snapshot. */
    void onPersistHardState(long node, SimDisk disk, HardState state) {
        HardState before = persistedHardState.getOrDefault(node, HardState.EMPTY);
        SimCheck.check(state.term() >= before.term(), "node %d persisted term %d after term %d", node,
                state.term(), before.term());
        SimCheck.check(state.term() != before.term() || before.vote() == 0 || state.vote() == before.vote(),
                "node %d changed its vote in term %d from %d to %d", node, state.term(), before.vote(), state.vote());
        SimCheck.check(state.commit() >= before.commit(),
                "node %d persisted commit index %d after %d: commit went backwards", node, state.commit(),
                before.commit());
        SimCheck.check(state.commit() <= disk.lastIndex(),
                "node %d persisted commit index %d beyond its persisted last index %d", node, state.commit(),
                disk.lastIndex());
        persistedHardState.put(node, state);
    }

    /**
     * {@code node} crashed and its disk now holds {@code survived}. Only an unsynced commit index
     * may have been lost; term and vote were synced before any message depended on them.
     */
    void onCrash(long node, HardState survived) {
        HardState before = persistedHardState.getOrDefault(node, HardState.EMPTY);
        SimCheck.check(survived.term() == before.term() && survived.vote() == before.vote(),
                "node %d lost a synced term or vote in a crash: %s, had %s", node, survived, before);
        persistedHardState.put(node, survived);
    }

    long persistedCommit(long node) {
        return persistedHardState.getOrDefault(node, HardState.EMPTY).commit();
    }

    void onApply(long node, Entry entry) {
        long commit = persistedCommit(node);
        SimCheck.check(entry.index() <= commit,
                "node %d applied index %d beyond its persisted commit index %d", node, entry.index(), commit);
        long fingerprint = AppliedState.fingerprint(entry);
        long index = entry.index();
        if (index <= maxAppliedIndex) {
            SimCheck.check(appliedFingerprints[(int) (index - 1)] == fingerprint,
                    "state machine safety: node %d applied %s at index %d, another node applied a different"
                            + " entry there",
                    node, entry, index);
            return;
        }
        SimCheck.check(index == maxAppliedIndex + 1,
                "node %d applied index %d while no node has applied %d", node, index, maxAppliedIndex + 1);
        if (index > appliedFingerprints.length) {
            appliedFingerprints = Arrays.copyOf(appliedFingerprints, appliedFingerprints.length * 2);
        }
        appliedFingerprints[(int) (index - 1)] = fingerprint;
        maxAppliedIndex = index;
    }

    /** {@code node} replaced its state machine by a snapshot image. */
    void onSnapshotInstalled(long node, AppliedState state) {
        long index = state.appliedIndex();
        SimCheck.check(index <= maxAppliedIndex,
                "node %d installed a snapshot at index %d but no node has applied beyond %d", node, index,
                maxAppliedIndex);
        for (long i = 1; i <= index; i++) {
            SimCheck.check(state.fingerprintAt(i) == appliedFingerprints[(int) (i - 1)],
                    "state machine safety: snapshot installed at node %d differs from applied history at index %d",
                    node, i);
        }
    }

    /** {@code node} acts as leader of {@code term} (observed after its Ready was handled). */
    void onLeader(long node, long term, SimDisk disk) {
        Long existing = leaderOfTerm.putIfAbsent(term, node);
        if (existing != null) {
            SimCheck.check(existing == node, "election safety: nodes %d and %d are both leader of term %d",
                    existing, node, term);
            return;
        }
        SimCheck.check(disk.lastIndex() >= maxAppliedIndex,
                "leader completeness: node %d became leader of term %d with last index %d, but index %d is committed",
                node, term, disk.lastIndex(), maxAppliedIndex);
        for (long i = Math.max(1, disk.firstIndex()); i <= maxAppliedIndex; i++) {
            long fingerprint = AppliedState.fingerprint(disk.entries(i, i + 1, Long.MAX_VALUE).get(0));
            SimCheck.check(fingerprint == appliedFingerprints[(int) (i - 1)],
                    "leader completeness: node %d became leader of term %d without the committed entry at index %d",
                    node, term, i);
        }
    }

    /** A client asked for a read point with {@code context}. */
    void onReadRequested(byte[] context) {
        readRequests++;
        committedAtReadRequest.put(readId(context), maxAppliedIndex);
    }

    void onReadState(long node, ReadState state) {
        Long committedBefore = committedAtReadRequest.get(readId(state.context()));
        SimCheck.check(committedBefore != null, "node %d got a read state for a context never requested", node);
        SimCheck.check(state.index() >= committedBefore,
                "linearizable read: node %d got read index %d, but index %d was committed before the read"
                        + " was requested",
                node, state.index(), committedBefore);
        readStatesChecked++;
    }

    /** Compares the persisted logs of two nodes where they overlap. */
    void checkLogsMatch(long nodeA, SimDisk a, long nodeB, SimDisk b) {
        long lo = Math.max(a.firstIndex(), b.firstIndex());
        long hi = Math.min(a.lastIndex(), b.lastIndex());
        long lastCommon = -1;
        for (long i = hi; i >= lo; i--) {
            if (a.term(i) == b.term(i)) {
                lastCommon = i;
                break;
            }
        }
        if (lastCommon < lo) return;
        List<Entry> left = a.entries(lo, lastCommon + 1, Long.MAX_VALUE);
        List<Entry> right = b.entries(lo, lastCommon + 1, Long.MAX_VALUE);
        for (int k = 0; k < left.size(); k++) {
            SimCheck.check(left.get(k).equals(right.get(k)),
                    "log matching: nodes %d and %d agree on index %d term %d but differ at %s vs %s", nodeA, nodeB,
                    lastCommon, a.term(lastCommon), left.get(k), right.get(k));
        }
    }

    long maxAppliedIndex() {
        return maxAppliedIndex;
    }

    long leaderOf(long term) {
        return leaderOfTerm.getOrDefault(term, 0L);
    }

    long highestLeaderTerm() {
        return leaderOfTerm.isEmpty() ? 0 : leaderOfTerm.lastKey();
    }

    int leaderTermCount() {
        return leaderOfTerm.size();
    }

    long readStatesChecked() {
        return readStatesChecked;
    }

    long readRequests() {
        return readRequests;
    }

    static byte[] readContext(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    private static long readId(byte[] context) {
        SimCheck.check(context.length == 8, "read context of %d bytes, expected 8", context.length);
        return ByteBuffer.wrap(context).getLong();
    }
}
