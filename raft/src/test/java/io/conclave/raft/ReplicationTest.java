package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationTest {

    private static RaftConfig config(long maxSizePerMsg, int maxInflight, long maxUncommitted) {
        return new RaftConfig(1, 10, 1, maxSizePerMsg, maxInflight, RaftConfig.NO_INFLIGHT_BYTES_BOUND, maxUncommitted, true, true,
                0, 1);
    }

    @Test
    void divergentFollowerIsRepairedWithFewRejections() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        // Old leader 1, cut off, appends entries no one else gets.
        c.isolate(1);
        for (int i = 0; i < 30; i++) c.node(1).propose(Cluster.bytes("lost" + i));
        c.stabilize();
        c.tickAll(60);
        long leader = c.leader();
        assertTrue(leader == 2 || leader == 3);
        for (int i = 0; i < 30; i++) c.node(leader).propose(Cluster.bytes("b" + i));
        c.stabilize();
        int rejectsBefore = rejectionsFrom(c, 1);
        c.heal();
        c.tickAll(5);
        assertEquals(Role.FOLLOWER, c.role(1));
        assertEquals(c.applied.get(leader), c.applied.get(1L));
        int rejects = rejectionsFrom(c, 1) - rejectsBefore;
        assertTrue(rejects <= 2, "expected at most 2 rejections with term hints, got " + rejects);
    }

    private static int rejectionsFrom(Cluster c, long id) {
        int n = 0;
        for (Message m : c.sent) if (m.from() == id && m.type() == MessageType.APPEND_RESPONSE && m.reject()) n++;
        return n;
    }

    @Test
    void leaderCommitsOnlyEntriesOfItsOwnTermByCounting() {
        // Figure 8: node 1 holds an entry of term 2 that nobody else has. As leader of term 3 it
        // replicates it to a majority, but must not commit it until an entry of term 3 is on a
        // majority too.
        ConfState cs = ConfState.ofVoters(1, 2, 3);
        RaftConfig tiny = new RaftConfig(1, 10, 1, 1, 256, RaftConfig.NO_INFLIGHT_BYTES_BOUND, 64L << 20, true, true, 0, 1);
        Cluster c = new Cluster(tiny, 1, 2, 3);
        c.stabilize();
        for (long id = 1; id <= 3; id++) {
            MemoryRaftStorage st = c.storages.get(id);
            if (id == 1) st.append(List.of(new Entry(2, 4, EntryType.NORMAL, Cluster.bytes("old"))));
            st.setHardState(new HardState(2, 0, 3));
            c.restart(id);
        }
        c.stabilize();
        c.drop(m -> m.type() == MessageType.APPEND);
        c.campaign(1);
        assertEquals(Role.LEADER, c.role(1));
        assertEquals(3, c.term(1));
        // Node 2 acknowledges the old entry (index 4, term 2) but not yet the new one (5).
        c.node(1).step(new Message(MessageType.APPEND_RESPONSE, 2, 1, 3, 0, 4, null, 0, false, 0, null, null));
        c.stabilize();
        assertEquals(4, c.node(1).status().matchIndex().get(2L), "old entry replicated to node 2");
        assertEquals(3, c.committed(1), "term-2 entry on a majority must not commit by counting");
        c.node(1).step(new Message(MessageType.APPEND_RESPONSE, 2, 1, 3, 0, 5, null, 0, false, 0, null, null));
        assertEquals(5, c.committed(1), "an entry of the leader's term on a majority commits both");
        c.heal();
        c.tickAll(3);
        assertEquals(List.of("old"), c.applied.get(3L), "node 3 (no faked acks) catches up");
        assertEquals(cs, c.node(3).status().confState());
    }

    @Test
    void inflightWindowBoundsUnacknowledgedAppends() {
        Cluster c = new Cluster(config(1 << 20, 2, 64L << 20), 1, 2, 3);
        c.campaign(1);
        c.drop(m -> m.type() == MessageType.APPEND_RESPONSE && m.from() == 2);
        int before = c.sentOf(MessageType.APPEND, 2).size();
        for (int i = 0; i < 10; i++) c.propose(1, "p" + i);
        List<Message> appends = c.sentOf(MessageType.APPEND, 2);
        long withEntries = appends.subList(before, appends.size()).stream().filter(m -> !m.entries().isEmpty()).count();
        assertEquals(2, withEntries, "window of 2 messages");
        // Node 3 acknowledges, so everything commits regardless.
        assertEquals(c.node(1).status().lastIndex(), c.committed(1));
        c.heal();
        c.tickAll(3);
        assertEquals(c.applied.get(1L), c.applied.get(2L));
    }

    @Test
    void inflightBytesBoundWhatAFollowerFarBehindIsSentAtOnce() {
        long maxBytes = 4_000;
        RaftConfig bounded = new RaftConfig(1, 10, 1, 1_000, 256, maxBytes, 64L << 20, true, true, 0, 1);
        Cluster c = new Cluster(bounded, 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 100; i++) c.node(1).propose(new byte[500]);
        c.stabilize();
        // Node 3 comes back 50,000 bytes behind. Its answers to the leader's probe get through
        // (so the leader replicates to it), and then no acknowledgement does: what the leader
        // sends from then on is all it has outstanding towards node 3.
        int before = c.sentOf(MessageType.APPEND, 3).size();
        c.heal();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        c.drop(m -> m.type() == MessageType.APPEND_RESPONSE && m.from() == 3 && !m.reject()
                && accepted.getAndIncrement() > 0);
        c.tickAll(3);
        List<Message> appends = c.sentOf(MessageType.APPEND, 3);
        long sent = appends.subList(before, appends.size()).stream()
                .flatMap(m -> m.entries().stream()).mapToLong(Entry::sizeBytes).sum();
        assertTrue(sent > 0, "node 3 was sent nothing");
        assertTrue(sent <= maxBytes + 1_000, "sent " + sent + " bytes ahead of any acknowledgement");
        c.heal();
        c.tickAll(10);
        assertEquals(c.applied.get(1L).size(), c.applied.get(3L).size(), "node 3 catches up once it acknowledges");
    }

    @Test
    void aProbeResentOnHeartbeatAnswersCarriesNoEntries() {
        Cluster c = new Cluster(config(1_000, 256, 64L << 20), 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 20; i++) c.node(1).propose(new byte[500]);
        c.stabilize();
        // Node 3 comes back behind: its rejection sends the leader back to probing, and then it
        // answers heartbeats but, slow, never accepts an APPEND: the leader keeps probing it.
        c.heal();
        c.drop(m -> m.type() == MessageType.APPEND_RESPONSE && m.from() == 3 && !m.reject());
        int before = c.sentOf(MessageType.APPEND, 3).size();
        c.tickAll(20);
        List<Message> probes = c.sentOf(MessageType.APPEND, 3).subList(before, c.sentOf(MessageType.APPEND, 3).size());
        long withEntries = probes.stream().filter(m -> !m.entries().isEmpty()).count();
        assertTrue(probes.size() >= 10, "the leader stopped probing: " + probes.size() + " probes");
        assertEquals(Progress.State.PROBE, c.raft(1).trk.get(3L).state, "node 1 probes node 3");
        assertTrue(withEntries <= 2, withEntries + " of " + probes.size() + " probes carried entries");
        c.heal();
        c.tickAll(5);
        assertEquals(c.applied.get(1L).size(), c.applied.get(3L).size(), "node 3 catches up once it answers");
    }

    @Test
    void appendsRespectMaxMessageSizeButNeverEmptyForLackOfRoom() {
        long limit = 100;
        Cluster c = new Cluster(config(limit, 256, 64L << 20), 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 10; i++) c.node(1).propose(new byte[40]);
        c.node(1).propose(new byte[500]);
        c.stabilize();
        c.heal();
        c.tickAll(3);
        boolean sawOversized = false;
        for (Message m : c.sentOf(MessageType.APPEND, 3)) {
            long bytes = m.entries().stream().mapToLong(Entry::sizeBytes).sum();
            assertTrue(m.entries().size() <= 1 || bytes <= limit, "message of " + bytes + " bytes: " + m);
            if (bytes > limit) sawOversized = true;
        }
        assertTrue(sawOversized, "the 500-byte entry is still sent, alone");
        assertEquals(c.applied.get(1L).size(), c.applied.get(3L).size());
    }

    @Test
    void uncommittedLimitRefusesProposalsWithClearReason() {
        Cluster c = new Cluster(config(1 << 20, 256, 100), 1, 2, 3);
        c.campaign(1);
        c.isolate(2);
        c.isolate(3);
        c.node(1).propose(new byte[1000]); // admitted: nothing was uncommitted
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(1).propose(new byte[10]));
        assertEquals(ProposalDroppedException.Reason.UNCOMMITTED_LIMIT, e.reason());
        assertTrue(e.getMessage().contains("maxUncommittedBytes=100"), e.getMessage());
        c.node(1).propose(new byte[0]); // empty proposals are always admitted
        c.heal();
        c.tickAll(3);
        c.node(1).propose(new byte[60]); // applied entries no longer count
    }

    @Test
    void heartbeatCommitNeverExceedsFollowerMatch() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        c.propose(1, "a");
        c.heal();
        c.drop(m -> m.type() == MessageType.APPEND && m.to() == 3);
        for (int i = 0; i < 3; i++) {
            c.node(1).tick();
            c.stabilize();
        }
        long committed = c.committed(1);
        for (Message m : c.sentOf(MessageType.HEARTBEAT, 3)) {
            assertTrue(m.commit() < committed, "heartbeat to a lagging follower carried commit " + m.commit());
        }
    }
}
