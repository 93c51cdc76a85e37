package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RaftBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RaftCodecTest {

    @Test
    void everyMessageRoundTripsThroughTheWire() throws Exception {
        long seed = 0x5eed;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            Message m = randomMessage(random);
            long group = random.nextLong(1, 10_000);
            var wire = io.conclave.range.rpc.RaftMessage.parseFrom(RaftCodec.encode(group, m).toByteArray());
            assertEquals(group, wire.getGroupId());
            assertSame(m, RaftCodec.decode(wire), "seed " + seed + " iteration " + i);
        }
    }

    @Test
    void heartbeatsOfManyGroupsShareOneBatchPerPeer() {
        Outbox outbox = new Outbox();
        for (long g = 1; g <= 1000; g++) {
            outbox.add(g, heartbeat(MessageType.HEARTBEAT, 1, 2, 5, g));
            outbox.add(g, heartbeat(MessageType.HEARTBEAT, 1, 3, 5, g));
            outbox.add(g, heartbeat(MessageType.HEARTBEAT_RESPONSE, 1, 3, 5, 0));
        }
        Message append = new Message(MessageType.APPEND, 1, 2, 5, 4, 10,
                List.of(new Entry(5, 11, EntryType.NORMAL, new byte[] {1})), 9, false, 0, null, null);
        outbox.add(7, append);
        Message readIndexHeartbeat = new Message(MessageType.HEARTBEAT, 1, 2, 5, 0, 0, null, 3, false, 0,
                null, new byte[] {9});
        outbox.add(8, readIndexHeartbeat);

        var batches = outbox.drain();
        assertEquals(2, batches.size(), "one batch per destination node");
        RaftBatch toTwo = batches.get(2L);
        assertEquals(1000, toTwo.getHeartbeatsCount());
        assertEquals(2, toTwo.getMessagesCount(), "the append and the heartbeat with a context travel whole");
        assertEquals(1000, batches.get(3L).getHeartbeatResponsesCount());
        assertEquals(0, outbox.drain().size());

        outbox.addQuiesce(9, heartbeat(MessageType.HEARTBEAT, 1, 2, 5, 40));
        outbox.touch(3);
        var quiet = outbox.drain();
        assertEquals(0, quiet.get(3L).getHeartbeatsCount() + quiet.get(3L).getMessagesCount(), "liveness ping");
        boolean[] sawQuiesce = {false};
        Outbox.expand(quiet.get(2L), (g, m, quiesce) -> sawQuiesce[0] = quiesce && g == 9 && m.commit() == 40);
        org.junit.jupiter.api.Assertions.assertTrue(sawQuiesce[0]);

        List<Message> received = new ArrayList<>();
        List<Long> groups = new ArrayList<>();
        Outbox.expand(toTwo, (g, m, quiesce) -> {
            groups.add(g);
            received.add(m);
        });
        assertEquals(1002, received.size());
        assertSame(append, received.get(0), "append");
        assertSame(readIndexHeartbeat, received.get(1), "read index heartbeat");
        assertEquals(1L, groups.get(2));
        assertSame(heartbeat(MessageType.HEARTBEAT, 1, 2, 5, 1), received.get(2), "expanded heartbeat");
    }

    @Test
    void commandsRoundTrip() {
        KvRequest req = KvRequest.newBuilder()
                .setPut(KvPut.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")))
                .build();
        Command c = new Command.Kv(3, -42, 7, req);
        assertEquals(c, Command.decode(c.encode()));
        Command a = new Command.NodeAddress(4, "127.0.0.1:4567");
        assertEquals(a, Command.decode(a.encode()));
    }

    private static Message heartbeat(MessageType type, long from, long to, long term, long commit) {
        return new Message(type, from, to, term, 0, 0, null, commit, false, 0, null, null);
    }

    private static Message randomMessage(SplittableRandom r) {
        MessageType type = MessageType.values()[r.nextInt(MessageType.values().length)];
        List<Entry> entries = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(r.nextLong(1, 100), r.nextLong(1, 1000),
                    r.nextBoolean() ? EntryType.NORMAL : EntryType.CONF_CHANGE, bytes(r, r.nextInt(20))));
        }
        Snapshot snap = null;
        if (type == MessageType.SNAPSHOT) {
            TreeSet<Long> voters = new TreeSet<>(List.of(1L, 2L, r.nextLong(3, 9)));
            snap = new Snapshot(new SnapshotMetadata(r.nextLong(1, 1000), r.nextLong(1, 50),
                    new ConfState(voters, r.nextBoolean() ? java.util.Set.of(11L) : java.util.Set.of())),
                    bytes(r, r.nextInt(100)));
        }
        return new Message(type, r.nextLong(1, 9), r.nextLong(1, 9), r.nextLong(0, 100), r.nextLong(0, 100),
                r.nextLong(0, 1000), entries, r.nextLong(0, 1000), r.nextBoolean(), r.nextLong(0, 1000), snap,
                bytes(r, r.nextInt(3) == 0 ? 8 : 0));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    /** Message holds arrays, so compare field by field. */
    private static void assertSame(Message want, Message got, String what) {
        assertEquals(want.type(), got.type(), what);
        assertEquals(want.from(), got.from(), what);
        assertEquals(want.to(), got.to(), what);
        assertEquals(want.term(), got.term(), what);
        assertEquals(want.logTerm(), got.logTerm(), what);
        assertEquals(want.index(), got.index(), what);
        assertEquals(want.entries(), got.entries(), what);
        assertEquals(want.commit(), got.commit(), what);
        assertEquals(want.reject(), got.reject(), what);
        assertEquals(want.rejectHint(), got.rejectHint(), what);
        assertArrayEquals(want.context(), got.context(), what);
        if (want.snapshot() == null) {
            assertEquals(null, got.snapshot(), what);
        } else {
            assertEquals(want.snapshot().metadata(), got.snapshot().metadata(), what);
            assertArrayEquals(want.snapshot().data(), got.snapshot().data(), what);
        }
    }
}
