package io.conclave.tests.sim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.ReadState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker must not be vacuous: each property is fed a small history that breaks it, and the
 * checker must object. (A simulation whose checks never fire proves nothing.)
 */
class SafetyCheckerTest {
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    private static Entry entry(long term, long index, String data) {
        return new Entry(term, index, EntryType.NORMAL, data.getBytes());
    }

    private static SimDisk diskWith(Entry... entries) {
        SimDisk disk = new SimDisk(THREE);
        disk.append(List.of(entries));
        return disk;
    }

    private static void assertViolation(Runnable history, String expectedWords) {
        SimCheck.Violation violation = assertThrows(SimCheck.Violation.class, history::run);
        assertTrue(violation.getMessage().contains(expectedWords),
                "expected '" + expectedWords + "' in: " + violation.getMessage());
    }

    @Test
    void twoLeadersInOneTerm() {
        SafetyChecker checker = new SafetyChecker();
        checker.onLeader(1, 5, diskWith());
        assertDoesNotThrow(() -> checker.onLeader(1, 5, diskWith()));
        assertViolation(() -> checker.onLeader(2, 5, diskWith()), "election safety");
    }

    @Test
    void differentEntriesAppliedAtOneIndex() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk a = diskWith(entry(1, 1, "x"));
        a.setHardState(new HardState(1, 1, 1));
        checker.onPersistHardState(1, a, new HardState(1, 1, 1));
        checker.onPersistHardState(2, a, new HardState(1, 1, 1));
        checker.onApply(1, entry(1, 1, "x"));
        assertDoesNotThrow(() -> checker.onApply(2, entry(1, 1, "x")));
        assertViolation(() -> checker.onApply(2, entry(1, 1, "y")), "state machine safety");
        assertViolation(() -> checker.onApply(2, entry(2, 1, "x")), "state machine safety");
    }

    @Test
    void applyingBeyondTheCommitIndex() {
        SafetyChecker checker = new SafetyChecker();
        assertViolation(() -> checker.onApply(1, entry(1, 1, "x")), "beyond its persisted commit");
    }

    @Test
    void logsThatShareAnEntryButNotItsPrefix() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk a = diskWith(entry(1, 1, "a"), entry(2, 2, "b"));
        SimDisk b = diskWith(entry(1, 1, "other"), entry(2, 2, "b"));
        checker.onPersistEntries(1, a, List.of(entry(1, 1, "a"), entry(2, 2, "b")));
        assertViolation(() -> checker.onPersistEntries(2, b, List.of(entry(1, 1, "other"))), "log matching");
        assertViolation(() -> checker.checkLogsMatch(1, a, 2, b), "log matching");
    }

    @Test
    void sameIndexAndTermAfterDifferentPreviousTerms() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk a = diskWith(entry(1, 1, "a"), entry(3, 2, "b"));
        SimDisk b = diskWith(entry(2, 1, "a"), entry(3, 2, "b"));
        checker.onPersistEntries(1, a, List.of(entry(1, 1, "a"), entry(3, 2, "b")));
        assertViolation(() -> checker.onPersistEntries(2, b, List.of(entry(3, 2, "b"))), "log matching");
    }

    @Test
    void leaderWithoutACommittedEntry() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk a = diskWith(entry(1, 1, "a"), entry(1, 2, "b"));
        checker.onPersistHardState(1, a, new HardState(1, 1, 2));
        checker.onApply(1, entry(1, 1, "a"));
        checker.onApply(1, entry(1, 2, "b"));
        assertViolation(() -> checker.onLeader(2, 2, diskWith(entry(1, 1, "a"))), "leader completeness");
        assertViolation(() -> checker.onLeader(3, 3, diskWith(entry(1, 1, "a"), entry(2, 2, "c"))),
                "leader completeness");
        assertDoesNotThrow(() -> checker.onLeader(4, 4, diskWith(entry(1, 1, "a"), entry(1, 2, "b"))));
    }

    @Test
    void persistedHardStateGoingBackwards() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk disk = diskWith(entry(1, 1, "a"), entry(1, 2, "b"));
        checker.onPersistHardState(1, disk, new HardState(3, 2, 2));
        assertViolation(() -> checker.onPersistHardState(1, disk, new HardState(2, 2, 2)), "term");
        assertViolation(() -> checker.onPersistHardState(1, disk, new HardState(3, 1, 2)), "changed its vote");
        assertViolation(() -> checker.onPersistHardState(1, disk, new HardState(3, 2, 1)), "commit went backwards");
        assertViolation(() -> checker.onPersistHardState(1, disk, new HardState(3, 2, 3)), "beyond its persisted last");
        assertDoesNotThrow(() -> checker.onPersistHardState(1, disk, new HardState(4, 0, 2)));
    }

    @Test
    void committedEntryRewrittenBelowTheCommitIndex() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk disk = diskWith(entry(1, 1, "a"));
        checker.onPersistEntries(1, disk, List.of(entry(1, 1, "a")));
        checker.onPersistHardState(1, disk, new HardState(1, 1, 1));
        checker.onApply(1, entry(1, 1, "a"));
        SimDisk rewritten = diskWith(entry(2, 1, "z"));
        assertViolation(() -> checker.onPersistEntries(1, rewritten, List.of(entry(2, 1, "z"))),
                "committed entries are immutable");
    }

    @Test
    void staleReadIndex() {
        SafetyChecker checker = new SafetyChecker();
        SimDisk disk = diskWith(entry(1, 1, "a"), entry(1, 2, "b"));
        checker.onPersistHardState(1, disk, new HardState(1, 1, 2));
        checker.onApply(1, entry(1, 1, "a"));
        checker.onApply(1, entry(1, 2, "b"));
        checker.onReadRequested(SafetyChecker.readContext(7));
        assertDoesNotThrow(() -> checker.onReadState(1, new ReadState(2, SafetyChecker.readContext(7))));
        assertViolation(() -> checker.onReadState(1, new ReadState(1, SafetyChecker.readContext(7))),
                "linearizable read");
    }
}
