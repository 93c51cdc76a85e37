package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadyContractTest {

    @Test
    void entriesAreHandedOutOnceEvenBeforeAdvance() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        RawNode n = c.node(1);
        n.propose(Cluster.bytes("a"));
        Ready first = n.ready();
        assertEquals(1, first.entries().size());
        n.propose(Cluster.bytes("b"));
        Ready second = n.ready();
        assertEquals(1, second.entries().size(), "only the new entry");
        assertEquals("b", new String(second.entries().get(0).data()));
        assertTrue(second.committedEntries().isEmpty(), "nothing persisted yet, nothing to apply");
        MemoryRaftStorage st = c.storages.get(1L);
        st.append(first.entries());
        n.advance(first);
        st.append(second.entries());
        st.setHardState(second.hardState() != null ? second.hardState() : st.hardState());
        n.advance(second);
        Ready third = n.ready();
        assertEquals(2, third.committedEntries().size());
        n.advance(third);
        assertFalse(n.hasReady());
    }

    @Test
    void committedEntriesNeverIncludeUnpersistedOnes() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        RawNode n = c.node(1);
        n.propose(Cluster.bytes("a"));
        Ready rd = n.ready();
        long index = rd.entries().get(0).index();
        assertTrue(rd.hardState() == null || rd.hardState().commit() < index,
                "a leader counts its own copy only once persisted, even as the only voter");
        assertTrue(rd.committedEntries().isEmpty());
        MemoryRaftStorage st = c.storages.get(1L);
        st.append(rd.entries());
        n.advance(rd);
        Ready next = n.ready();
        assertEquals(index, next.hardState().commit(), "persisted: the single voter's entry commits");
        assertEquals(index, next.committedEntries().get(next.committedEntries().size() - 1).index());
    }

    @Test
    void restartAppliesFromConfiguredAppliedIndex() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        for (int i = 0; i < 5; i++) c.propose(1, "p" + i);
        long applied = c.appliedIndex.get(1L);
        RawNode again = new RawNode(Cluster.config(1).withApplied(applied - 2), c.storages.get(1L));
        Ready rd = again.ready();
        assertEquals(2, rd.committedEntries().size(), "re-applies what the state machine did not persist");
        assertNull(rd.hardState());
        assertNull(rd.softState());
    }

    @Test
    void appliedBeyondCommitIsRejectedClearly() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new RawNode(Cluster.config(1).withApplied(1000), c.storages.get(1L)));
        assertTrue(e.getMessage().contains("applied"), e.getMessage());
    }

    @Test
    void appliedIndexAheadOfUnsyncedCommitIsTrusted() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        for (int i = 0; i < 3; i++) c.propose(1, "p" + i);
        MemoryRaftStorage st = c.storages.get(1L);
        long applied = c.appliedIndex.get(1L);
        HardState hs = st.hardState();
        st.setHardState(new HardState(hs.term(), hs.vote(), hs.commit() - 2)); // commit update lost
        RawNode again = new RawNode(Cluster.config(1).withApplied(applied), st);
        assertEquals(applied, again.status().hardState().commit());
    }

    @Test
    void misroutedMessageIsRefused() {
        Cluster c = Cluster.of(1, 2);
        assertThrows(IllegalArgumentException.class, () -> c.node(1).step(
                new Message(MessageType.HEARTBEAT, 2, 3, 1, 0, 0, List.of(), 0, false, 0, null, null)));
    }

    @Test
    void uninitializedReplicaWaitsQuietly() {
        RawNode n = new RawNode(Cluster.config(9), new MemoryRaftStorage());
        for (int i = 0; i < 100; i++) n.tick();
        assertFalse(n.hasReady());
        assertEquals(Role.FOLLOWER, n.status().softState().role());
        assertThrows(ProposalDroppedException.class, () -> n.propose(new byte[1]));
    }
}
