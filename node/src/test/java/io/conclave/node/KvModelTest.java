package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.ErrorResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random puts, deletes, gets and scans from one client against a map: every read must see every
 * acknowledged write, across a node restart in the middle. Seeded; the seed is in every message.
 */
class KvModelTest {
    /** Above the 40 keys the model ever holds, so a scan's limit never cuts it short. */
    private static final int SCAN_LIMIT = 1000;

    @TempDir
    Path dir;

    @Test
    void readsSeeEveryAcknowledgedWrite() throws Exception {
        long seed = Long.getLong("kv.seed", 0xC0FFEE);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, String> model = new TreeMap<>();
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults().withLogEntriesBeforeSnapshot(50), 3);
                RangeClient client = cluster.client(1, 2, 3)) {
            cluster.awaitLeader(client, 4);
            for (int op = 0; op < 300; op++) {
                if (op == 150) {
                    long victim = 1 + random.nextInt(3);
                    cluster.stop(victim);
                    cluster.start(victim);
                }
                step(client, model, random, "seed " + seed + " op " + op);
            }
            assertEquals(model.size(), client.scan(Keys.USER_START, Keys.KEY_MAX, SCAN_LIMIT).size(), "seed " + seed);
        }
    }

    /** The one client is every key's only writer: a write repeated after an ambiguous answer is harmless. */
    private static void step(RangeClient client, Map<String, String> model, SplittableRandom random, String where) {
        String key = "key" + random.nextInt(40);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(5)) {
            case 0, 1 -> {
                String value = "v" + random.nextInt(1_000_000);
                TestCluster.putOwnKey(client, k, value.getBytes(StandardCharsets.UTF_8));
                model.put(key, value);
            }
            case 2 -> {
                TestCluster.deleteOwnKey(client, k);
                model.remove(key);
            }
            case 3 -> {
                Optional<byte[]> got = client.get(k);
                assertEquals(model.get(key), got.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null), where);
            }
            default -> {
                List<String> want = new ArrayList<>(((TreeMap<String, String>) model).subMap("key1", "key3").keySet());
                List<String> got = new ArrayList<>();
                for (KeyValue row : client.scan("key1".getBytes(StandardCharsets.UTF_8),
                        "key3".getBytes(StandardCharsets.UTF_8), SCAN_LIMIT)) {
                    got.add(new String(row.key(), StandardCharsets.UTF_8));
                }
                assertEquals(want, got, where);
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oversizedKeysAndValuesAreRefusedClearly() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 1, SchedulerSettings.defaults());
                RangeClient client = cluster.client(1)) {
            cluster.awaitLeader(client, 1);
            byte[] value = new byte[Keys.MAX_VALUE_BYTES + 1];
            KvException e = assertThrows(KvException.class, () -> client.put(new byte[] {0x10}, value));
            assertEquals(ErrorResponse.Code.TOO_LARGE, e.code(), e.getMessage());
            byte[] biggest = new byte[Keys.MAX_VALUE_BYTES];
            Arrays.fill(biggest, (byte) 7);
            byte[] key = new byte[Keys.MAX_KEY_BYTES];
            Arrays.fill(key, (byte) 0xfe);
            // A fresh client: looking up the range of the longest key scans meta from a key two
            // bytes longer than it, which range 1 must accept.
            try (RangeClient fresh = cluster.client(1)) {
                fresh.put(key, biggest);
            }
            assertArrayEquals(biggest, client.get(key).orElseThrow());
            e = assertThrows(KvException.class, () -> client.put(new byte[Keys.MAX_KEY_BYTES + 1], b("x")));
            assertEquals(ErrorResponse.Code.TOO_LARGE, e.code(), e.getMessage());
            e = assertThrows(KvException.class, () -> client.get(new byte[0]));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code(), e.getMessage());
        }
    }
}
