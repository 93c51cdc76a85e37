package io.conclave.range.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RangeCacheTest {
    private static byte[] k(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    private static RangeDescriptor d(long id, byte[] start, byte[] end, long gen) {
        return FakeCluster.desc(id, start, end, gen, List.of());
    }

    @Test
    void lookupUsesUnsignedOrder() {
        RangeCache c = new RangeCache();
        c.insert(d(2, Keys.USER_START, k(0x7f), 1));
        c.insert(d(3, k(0x7f), k(0x80), 1));
        c.insert(d(4, k(0x80), Keys.KEY_MAX, 1));
        assertEquals(2, c.lookup(k(0x10)).orElseThrow().getRangeId());
        assertEquals(3, c.lookup(k(0x7f, 0xff)).orElseThrow().getRangeId());
        assertEquals(4, c.lookup(k(0x80)).orElseThrow().getRangeId());
        assertEquals(4, c.lookup(k(0xfe, 0xff)).orElseThrow().getRangeId());
        assertTrue(c.lookup(Keys.KEY_MAX).isEmpty());
        assertTrue(c.lookup(k(0x03)).isEmpty());
    }

    @Test
    void newerDescriptorsEvictOverlappingOlderOnesAndStaleOnesAreRefused() {
        RangeCache c = new RangeCache();
        c.insert(d(2, Keys.USER_START, Keys.KEY_MAX, 0));
        c.setLeaseholder(2, "h1");
        assertTrue(c.insert(d(3, k(0x50), Keys.KEY_MAX, 1)));
        assertEquals(Optional.of("h1"), c.leaseholder(3), "the right half inherits the parent's leaseholder");
        assertTrue(c.lookup(k(0x10)).isEmpty(), "the parent was evicted");
        assertFalse(c.insert(d(2, Keys.USER_START, Keys.KEY_MAX, 0)), "the stale parent is refused");
        assertTrue(c.insert(d(2, Keys.USER_START, k(0x50), 1)));
        assertEquals(2, c.lookup(k(0x10)).orElseThrow().getRangeId());
        assertEquals(3, c.lookup(k(0x50)).orElseThrow().getRangeId());
        assertEquals(2, c.size());
        c.evict(3);
        assertTrue(c.lookup(k(0x50)).isEmpty());
        assertTrue(c.leaseholder(3).isEmpty());
    }

    @Test
    void sameRangeWithNewerGenerationReplacesItself() {
        RangeCache c = new RangeCache();
        c.insert(d(2, Keys.USER_START, Keys.KEY_MAX, 0));
        c.insert(d(2, Keys.USER_START, k(0x60), 1));
        assertEquals(1, c.size());
        assertTrue(c.lookup(k(0x70)).isEmpty());
        c.clearLeaseholder(2, "other");
    }

    /** Random split histories, descriptors inserted in random order: the newest always win. */
    @Test
    void randomSplitHistoriesConvergeToTheNewestDescriptors() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        try {
            SplittableRandom random = new SplittableRandom(seed);
            for (int round = 0; round < 200; round++) {
                List<RangeDescriptor> current = new ArrayList<>(List.of(d(2, Keys.USER_START, Keys.KEY_MAX, 0)));
                List<RangeDescriptor> history = new ArrayList<>(current);
                long nextId = 3;
                for (int s = 0; s < 20; s++) {
                    int i = random.nextInt(current.size());
                    RangeDescriptor r = current.get(i);
                    byte[] key = k(0x04 + random.nextInt(0xfa), random.nextInt(256));
                    if (!Keys.contains(r.getStartKey().toByteArray(), r.getEndKey().toByteArray(), key)
                            || Keys.compare(key, r.getStartKey().toByteArray()) == 0) {
                        continue;
                    }
                    RangeDescriptor left = d(r.getRangeId(), r.getStartKey().toByteArray(), key, r.getGeneration() + 1);
                    RangeDescriptor right = d(nextId++, key, r.getEndKey().toByteArray(), r.getGeneration() + 1);
                    current.set(i, left);
                    current.add(right);
                    history.add(left);
                    history.add(right);
                }
                Collections.shuffle(history, new Random(random.nextLong()));
                RangeCache c = new RangeCache();
                history.forEach(c::insert);
                for (RangeDescriptor r : current) {
                    assertEquals(r, c.byId(r.getRangeId()).orElseThrow(), "seed " + seed);
                    assertEquals(r, c.lookup(r.getStartKey().toByteArray()).orElseThrow(), "seed " + seed);
                }
                assertEquals(current.size(), c.size(), "seed " + seed);
            }
        } catch (AssertionError e) {
            System.err.println("RangeCacheTest seed " + seed);
            throw e;
        }
    }
}
