package io.conclave.tests.jepsen;

import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Keys of the transaction-client workloads (the nemesis workloads and the transaction process
 * tests): placed in chosen ranges, and split points among them.
 */
public final class KvKeys {
    private KvKeys() {}

    /** The user ranges in key order (range 1, whose keys are single-version, left out). */
    public static List<RangeDescriptor> userRanges(RangeClient client) {
        List<RangeDescriptor> out = new ArrayList<>();
        for (RangeDescriptor d : client.allRanges()) {
            if (Arrays.compareUnsigned(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) out.add(d);
        }
        out.sort(Comparator.comparing(d -> d.getStartKey().toByteArray(), Arrays::compareUnsigned));
        return out;
    }

    /**
     * A key inside {@code range}: its start key followed by {@code name}. The initial ranges cut
     * the two-byte space, so no boundary is a prefix of a later one and the key sorts inside.
     */
    public static byte[] keyIn(RangeDescriptor range, String name) {
        byte[] start = range.getStartKey().toByteArray();
        byte[] suffix = name.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(start, start.length + suffix.length);
        System.arraycopy(suffix, 0, key, start.length, suffix.length);
        if (Arrays.compareUnsigned(key, range.getEndKey().toByteArray()) >= 0) {
            throw new IllegalStateException("key " + name + " falls outside range " + range.getRangeId());
        }
        return key;
    }

    /** Splits at a random one of {@code keys} (followed by a random byte, so rarely a boundary already). */
    static String split(RangeClient admin, List<byte[]> keys, SplittableRandom random) {
        byte[] base = keys.get(random.nextInt(keys.size()));
        byte[] at = Arrays.copyOf(base, base.length + 1);
        at[base.length] = (byte) random.nextInt(256);
        var result = admin.split(at);
        return "split at " + Keys.pretty(at) + " -> ranges " + result.left().getRangeId() + " and "
                + result.right().getRangeId();
    }
}
