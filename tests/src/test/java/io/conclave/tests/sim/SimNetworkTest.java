package io.conclave.tests.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulated network keeps its promises: bounded delays, partitions, determinism. */
class SimNetworkTest {
    private static Message heartbeat(long from, long to, long term) {
        return new Message(MessageType.HEARTBEAT, from, to, term, 0, 0, null, 0, false, 0, null, null);
    }

    @Test
    void calmNetworkDeliversEverythingWithinTheDelayBound() {
        SimNetwork network = new SimNetwork(new SplittableRandom(1), new SimNetwork.Faults(0, 0, 5, 0, 5), 100);
        for (int i = 0; i < 50; i++) assertNull(network.send(heartbeat(1, 2, i), 0));
        int arrived = 0;
        for (long step = 0; step <= 5; step++) arrived += network.due(step).size();
        assertEquals(50, arrived);
        assertEquals(0, network.inFlightCount());
    }

    @Test
    void partitionLosesMessagesAtSendAndInFlight() {
        SimNetwork network = new SimNetwork(new SplittableRandom(2), SimNetwork.Faults.NONE, 100);
        assertNull(network.send(heartbeat(1, 2, 1), 0));
        network.isolate(2);
        assertEquals(SimNetwork.Loss.PARTITIONED, network.send(heartbeat(1, 2, 2), 0));
        assertNull(network.send(heartbeat(1, 3, 3), 0));
        List<SimNetwork.Arrival> arrivals = new ArrayList<>();
        for (long step = 0; step <= 2; step++) arrivals.addAll(network.due(step));
        assertEquals(2, arrivals.size());
        for (SimNetwork.Arrival arrival : arrivals) {
            boolean toIsolated = arrival.message().to() == 2;
            assertEquals(toIsolated ? SimNetwork.Loss.PARTITIONED : null, arrival.loss());
        }
        network.heal();
        assertTrue(network.connected(1, 2));
    }

    @Test
    void congestionBoundsMessagesInFlight() {
        SimNetwork network = new SimNetwork(new SplittableRandom(3), SimNetwork.Faults.NONE, 3);
        for (int i = 0; i < 3; i++) assertNull(network.send(heartbeat(1, 2, i), 0));
        assertEquals(SimNetwork.Loss.CONGESTED, network.send(heartbeat(1, 2, 9), 0));
    }

    @Test
    void sameSeedSameSchedule() {
        assertEquals(schedule(42), schedule(42));
    }

    private static List<String> schedule(long seed) {
        SimNetwork.Faults faults = new SimNetwork.Faults(200, 200, 7, 50, 40);
        SimNetwork network = new SimNetwork(new SplittableRandom(seed), faults, 1000);
        List<String> out = new ArrayList<>();
        for (long step = 0; step < 100; step++) {
            out.add(String.valueOf(network.send(heartbeat(1 + step % 3, 1 + (step + 1) % 3, step), step)));
            for (SimNetwork.Arrival arrival : network.due(step)) out.add(step + ":" + arrival.message().term());
        }
        return out;
    }
}
