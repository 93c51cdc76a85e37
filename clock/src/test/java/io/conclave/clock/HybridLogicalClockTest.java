package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;

    /** A physical clock that stalls, steps back, leaps forward and drifts, driven by a seed. */
    private static final class ErraticClock implements PhysicalClock {
        private final SplittableRandom random;
        private long now;

        ErraticClock(SplittableRandom random, long start) {
            this.random = random;
            this.now = start;
        }

        @Override
        public long nowNanos() {
            int roll = random.nextInt(100);
            if (roll < 20) {
                return now; // stall
            } else if (roll < 30) {
                now -= random.nextLong(1, 2_000_000_000L); // NTP step back, up to 2 s
            } else if (roll < 35) {
                now += random.nextLong(1, 2_000_000_000L); // leap forward
            } else {
                now += random.nextLong(0, 2_000); // ordinary ticking with jitter
            }
            return now;
        }
    }

    @Test
    void nowIsStrictlyMonotonicUnderArbitraryPhysicalClockBehaviour() {
        for (int run = 0; run < 50; run++) {
            long seed = TestSeeds.next();
            SplittableRandom random = new SplittableRandom(seed);
            HybridLogicalClock hlc = new HybridLogicalClock(new ErraticClock(random, START_NANOS), MAX_OFFSET_NANOS);
            Timestamp previous = Timestamp.MIN;
            for (int i = 0; i < 2_000; i++) {
                Timestamp ts = hlc.now();
                if (!ts.isAfter(previous)) {
                    fail(TestSeeds.describe(seed) + ": now() went from " + previous + " to " + ts + " at step " + i);
                }
                previous = ts;
            }
        }
    }

    @Test
    void logicalOverflowBorrowsANanosecondInsteadOfWrapping() {
        ManualClock physical = new ManualClock(START_NANOS);
        HybridLogicalClock hlc = new HybridLogicalClock(physical, MAX_OFFSET_NANOS);
        hlc.update(new Timestamp(START_NANOS, Integer.MAX_VALUE - 1));
        assertEquals(new Timestamp(START_NANOS, Integer.MAX_VALUE), hlc.now());
        assertEquals(new Timestamp(START_NANOS + 1, 0), hlc.now());
    }

    private record Message(int to, Timestamp sentAt) {}

    /**
     * Several nodes with erratic but bounded-offset clocks exchange messages in random order;
     * every event at the receiver after absorbing a message is stamped above the send.
     */
    @Test
    void causalityHoldsAcrossNodes() {
        for (int run = 0; run < 30; run++) {
            long seed = TestSeeds.next();
            SplittableRandom random = new SplittableRandom(seed);
            int nodes = 2 + random.nextInt(4);
            ManualClock truth = new ManualClock(START_NANOS);
            List<DriftingClock> physical = new ArrayList<>();
            List<HybridLogicalClock> clocks = new ArrayList<>();
            long[] offsets = new long[nodes];
            for (int n = 0; n < nodes; n++) {
                // Offsets within ±max-offset/2 keep every pair within max-offset of each other.
                offsets[n] = random.nextLong(-MAX_OFFSET_NANOS / 2, MAX_OFFSET_NANOS / 2);
                DriftingClock clock = new DriftingClock(truth, offsets[n], 0);
                physical.add(clock);
                clocks.add(new HybridLogicalClock(clock, MAX_OFFSET_NANOS));
            }
            ArrayDeque<Message> inFlight = new ArrayDeque<>();
            Timestamp[] lastAtNode = new Timestamp[nodes];
            java.util.Arrays.fill(lastAtNode, Timestamp.MIN);
            for (int step = 0; step < 3_000; step++) {
                truth.advance(random.nextLong(0, 1_000_000));
                int action = random.nextInt(10);
                if (action < 4) {
                    int from = random.nextInt(nodes);
                    Timestamp sent = clocks.get(from).now();
                    lastAtNode[from] = checkLater(seed, lastAtNode[from], sent);
                    inFlight.add(new Message(random.nextInt(nodes), sent));
                } else if (action < 8 && !inFlight.isEmpty()) {
                    // Deliver the oldest or a random-age message: reordering is allowed.
                    Message message = random.nextBoolean() ? inFlight.poll() : inFlight.pollLast();
                    HybridLogicalClock receiver = clocks.get(message.to());
                    receiver.update(message.sentAt());
                    Timestamp received = receiver.now();
                    if (!received.isAfter(message.sentAt())) {
                        fail(TestSeeds.describe(seed) + ": receive " + received + " not after send " + message.sentAt());
                    }
                    lastAtNode[message.to()] = checkLater(seed, lastAtNode[message.to()], received);
                } else {
                    // A clock fault within the offset bound: one node's clock steps to a new
                    // offset from true time, backwards or forwards, by up to max-offset.
                    int n = random.nextInt(nodes);
                    long newOffset = random.nextLong(-MAX_OFFSET_NANOS / 2, MAX_OFFSET_NANOS / 2);
                    physical.get(n).jump(newOffset - offsets[n]);
                    offsets[n] = newOffset;
                    lastAtNode[n] = checkLater(seed, lastAtNode[n], clocks.get(n).now());
                }
            }
            for (HybridLogicalClock clock : clocks) {
                assertEquals(0, clock.offsetRejections(), TestSeeds.describe(seed));
            }
        }
    }

    private static Timestamp checkLater(long seed, Timestamp before, Timestamp after) {
        if (!after.isAfter(before)) {
            fail(TestSeeds.describe(seed) + ": local event " + after + " not after earlier event " + before);
        }
        return after;
    }

    @Test
    void updateRejectsReadingsTooFarAheadAndCountsThem() {
        ManualClock physical = new ManualClock(START_NANOS);
        HybridLogicalClock hlc = new HybridLogicalClock(physical, MAX_OFFSET_NANOS);
        Timestamp before = hlc.now();
        Timestamp atBound = new Timestamp(START_NANOS + MAX_OFFSET_NANOS, 5);
        hlc.update(atBound); // exactly at the bound is still allowed
        assertTrue(hlc.now().isAfter(atBound));

        Timestamp tooFar = new Timestamp(START_NANOS + MAX_OFFSET_NANOS + 1, 0);
        ClockOffsetException e = assertThrows(ClockOffsetException.class, () -> hlc.update(tooFar));
        assertEquals(1, hlc.offsetRejections());
        assertEquals(tooFar, e.remote());
        assertTrue(e.getMessage().contains(tooFar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("max-offset=250ms"), e.getMessage());
        assertTrue(e.getMessage().contains("+250ms ahead"), e.getMessage());
        assertTrue(hlc.now().isBefore(tooFar), "a refused reading must not move the clock");
        assertTrue(before.isBefore(atBound));

        physical.advance(1);
        hlc.update(tooFar); // one nanosecond later the same reading is within the bound
        assertEquals(1, hlc.offsetRejections());
    }

    @Test
    void forwardToRestoresAHighWaterMarkWithoutTheOffsetCheck() {
        ManualClock physical = new ManualClock(START_NANOS);
        HybridLogicalClock hlc = new HybridLogicalClock(physical, MAX_OFFSET_NANOS);
        Timestamp persisted = new Timestamp(START_NANOS + 10 * MAX_OFFSET_NANOS, 3); // clock stepped back while down
        hlc.forwardTo(persisted);
        assertTrue(hlc.now().isAfter(persisted));
        hlc.forwardTo(Timestamp.MIN);
        assertTrue(hlc.now().isAfter(persisted), "forwardTo never moves the clock back");
        assertEquals(0, hlc.offsetRejections());
    }

    @Test
    void rejectsAnInvalidMaxOffset() {
        ManualClock physical = new ManualClock(START_NANOS);
        assertThrows(IllegalArgumentException.class, () -> new HybridLogicalClock(physical, 0));
        assertThrows(IllegalArgumentException.class, () -> new HybridLogicalClock(physical, -5));
    }

    @Test
    void isSafeUnderConcurrentUse() throws InterruptedException {
        ManualClock physical = new ManualClock(START_NANOS);
        HybridLogicalClock hlc = new HybridLogicalClock(physical, MAX_OFFSET_NANOS);
        int threads = 4;
        int perThread = 20_000;
        List<List<Timestamp>> seen = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Timestamp> mine = new ArrayList<>(perThread);
            seen.add(mine);
            workers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    if (i % 100 == 0) {
                        physical.advance(1);
                    }
                    mine.add(hlc.now());
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join(10_000);
        }
        java.util.Set<Timestamp> all = new java.util.HashSet<>();
        for (List<Timestamp> mine : seen) {
            for (int i = 1; i < mine.size(); i++) {
                assertTrue(mine.get(i).isAfter(mine.get(i - 1)));
            }
            all.addAll(mine);
        }
        assertEquals(threads * perThread, all.size(), "two callers received the same reading");
    }
}
