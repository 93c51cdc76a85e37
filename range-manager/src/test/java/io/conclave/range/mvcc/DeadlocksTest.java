package io.conclave.range.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnWaitsFor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeadlocksTest {
    private static TxnMeta txn(int id, long minTsNanos, int priority) {
        byte[] b = new byte[16];
        b[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(b)).setMinTs(new Timestamp(minTsNanos, 0).toProto())
                .setPriority(priority).build();
    }

    private static TxnWaitsFor edge(TxnMeta waiter, TxnMeta waitee) {
        return TxnWaitsFor.newBuilder().setWaiter(waiter).setWaiteeId(waitee.getId()).build();
    }

    private static TxnPush push(TxnMeta pusher, TxnMeta pushee, TxnWaitsFor... carried) {
        return TxnPush.newBuilder().setPusher(pusher).setPushee(pushee).setType(PushType.PUSH_ABORT)
                .addAllWaitsFor(List.of(carried)).build();
    }

    private static List<ByteString> ids(List<TxnMeta> ms) {
        List<ByteString> out = new ArrayList<>();
        for (TxnMeta m : ms) out.add(m.getId());
        return out;
    }

    @Test
    void aTwoCycleIsFoundAndItsVictimIsTheLowerPriorityThenTheYounger() {
        TxnMeta a = txn(1, 100, 0);
        TxnMeta b = txn(2, 200, 0);
        // a pushes b, carrying "b waits for a".
        List<TxnMeta> cycle = Deadlocks.cycle(a, b, List.of(edge(b, a)));
        assertEquals(ids(List.of(b, a)), ids(cycle));
        assertEquals(b.getId(), Deadlocks.victim(cycle).getId(), "equal priority: the younger");
        TxnMeta bRestarted = txn(2, 200, 1);
        assertEquals(a.getId(), Deadlocks.victim(Deadlocks.cycle(a, bRestarted, List.of(edge(bRestarted, a)))).getId(),
                "a higher priority survives, however young");
        TxnMeta twin = txn(3, 100, 0);
        assertEquals(twin.getId(), Deadlocks.victim(List.of(a, twin)).getId(), "same age: the greater id");
    }

    @Test
    void noCycleWithoutAPathBackAndDependentsOffTheCycleDoNotCount() {
        TxnMeta a = txn(1, 100, 0);
        TxnMeta b = txn(2, 200, 0);
        TxnMeta c = txn(3, 300, 0);
        TxnMeta lowest = txn(4, 400, 0);
        assertEquals(List.of(), Deadlocks.cycle(a, b, List.of(edge(c, a))));
        assertEquals(List.of(), Deadlocks.cycle(a, a, List.of(edge(a, a))), "nobody deadlocks with itself");
        // lowest waits for a but is not on the cycle a -> b -> a: it is not the victim.
        List<TxnMeta> cycle = Deadlocks.cycle(a, b, List.of(edge(lowest, a), edge(b, a)));
        assertEquals(ids(List.of(b, a)), ids(cycle));
        assertEquals(b.getId(), Deadlocks.victim(cycle).getId());
    }

    @Test
    void everyQueueOfALongerCycleChoosesTheSameVictim() {
        // a -> b -> c -> d -> a, each with a different age; every edge's queue sees the cycle.
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            List<TxnMeta> ring = new ArrayList<>();
            for (int i = 0; i < 4; i++) ring.add(txn(i + 1, 100 + random.nextInt(1000), random.nextInt(3)));
            List<TxnWaitsFor> edges = new ArrayList<>();
            for (int i = 0; i < 4; i++) edges.add(edge(ring.get(i), ring.get((i + 1) % 4)));
            Collections.shuffle(edges, new java.util.Random(round));
            List<ByteString> victims = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TxnMeta pusher = ring.get(i);
                TxnMeta pushee = ring.get((i + 1) % 4);
                List<TxnMeta> cycle = Deadlocks.cycle(pusher, pushee, edges);
                assertEquals(4, cycle.size());
                victims.add(Deadlocks.victim(cycle).getId());
            }
            assertEquals(1, victims.stream().distinct().count(), "one victim: " + victims);
        }
    }

    @Test
    void edgesIntoATransactionFollowItsWaitersTransitivelyAndAreBounded() {
        TxnMeta a = txn(1, 100, 0);
        TxnMeta b = txn(2, 200, 0);
        TxnMeta c = txn(3, 300, 0);
        TxnMeta d = txn(4, 400, 0);
        TxnMeta other = txn(5, 500, 0);
        // b waits for a (carrying "d waits for b"), c waits for b, other waits for someone else.
        List<TxnPush> waiting = List.of(push(b, a, edge(d, b)), push(c, b), push(other, d));
        List<TxnWaitsFor> into = Deadlocks.edgesInto(a.getId(), waiting);
        assertEquals(3, into.size(), into.toString());
        assertTrue(into.contains(edge(b, a)) && into.contains(edge(d, b)) && into.contains(edge(c, b)));

        List<TxnPush> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) many.add(push(txn(10 + (i % 100), i, 0).toBuilder().setId(ByteString.copyFromUtf8(
                String.format("%016d", i))).build(), a));
        assertEquals(Deadlocks.MAX_EDGES, Deadlocks.edgesInto(a.getId(), many).size());
    }
}
