package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four node JVMs, three user ranges on nodes 1-3, node 4 empty; one of nodes 1-3 is killed with
 * SIGKILL for good. With a test-sized {@code --dead-after}, the allocator must bring every range
 * back to three voting replicas on live nodes (through a learner, its snapshot, a promotion and
 * the removal of the dead replica), meta must say so, and all data must stay readable.
 */
final class DeadNodeReplacementProcessTest {
    static final int USER_RANGES = 3;
    static final int KEYS_PER_RANGE = 40;
    /** Short, so the test waits for the liveness record to run out (9 s) plus this. */
    static final String DEAD_AFTER = "3s";
    /**
     * Expiry of the last liveness record (up to 9 s) + dead-after (3 s) + maintenance passes
     * (2 s each) + a learner snapshot and promotion per range, one change per range at a time.
     */
    static final long REPLACEMENT_BOUND_MILLIS = 60_000;
    static final long STEADY_BOUND_MILLIS = 30_000;
    static final long POLL_MILLIS = 500;

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aDeadNodesReplicasAreReplacedOnLiveNodes(@TempDir Path dir) throws Exception {
        long seed = RangeTests.seed();
        System.out.println("[dead] seed=" + seed + " (rerun with -Dranges.seed=" + seed + ")");
        cluster = new RangeTestCluster(dir, "dead", 4, 3, List.of("--initial-ranges", Integer.toString(USER_RANGES),
                "--replication-factor", "3", "--dead-after", DEAD_AFTER));
        cluster.start(1, 2, 3, 4);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed);
        long start = System.nanoTime();

        List<RangeDescriptor> ranges = client.allRanges();
        assertEquals(1 + USER_RANGES, ranges.size(), () -> "meta at start: " + ranges);
        Map<String, String> written = new LinkedHashMap<>();
        for (RangeDescriptor d : ranges) {
            if (d.getRangeId() == Keys.META_RANGE_ID) continue;
            for (int i = 0; i < KEYS_PER_RANGE; i++) write(d, "before-" + i, written);
        }
        Set<Long> all = Set.of(1L, 2L, 3L, 4L);
        String steady = awaitProblemFree(all, 3, STEADY_BOUND_MILLIS);
        System.out.println("[dead] before the kill (" + RangeTests.millisSince(start) + " ms): "
                + (steady == null ? "every range has 3+ voters, no learners" : steady) + "; " + replicaMap());

        long victim = 1 + new SplittableRandom(seed).nextInt(3);
        cluster.kill(victim);
        long killedAt = System.nanoTime();
        System.out.println("[dead] killed n" + victim + " for good");
        Set<Long> live = new TreeSet<>(all);
        live.remove(victim);
        // Writes while the dead node still holds replicas: two of three replicas are a quorum.
        for (RangeDescriptor d : ranges) {
            if (d.getRangeId() == Keys.META_RANGE_ID) continue;
            for (int i = 0; i < KEYS_PER_RANGE / 4; i++) write(d, "after-" + i, written);
        }

        String problem = awaitReplaced(live, REPLACEMENT_BOUND_MILLIS);
        long tookMillis = RangeTests.millisSince(killedAt);
        String context = "seed=" + seed + ", killed n" + victim;
        if (problem != null) {
            fail("not every range back to 3 replicas on live nodes " + live + " within " + REPLACEMENT_BOUND_MILLIS
                    + " ms of the kill: " + problem + "; " + context + "\n" + cluster.logTails(40));
        }
        System.out.println("[dead] every range has 3 voters on live nodes " + live + " " + tookMillis
                + " ms after the kill: " + replicaMap());

        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, String> e : written.entrySet()) {
            Optional<byte[]> got = client.get(key(e.getKey()));
            if (got.isEmpty() || !text(got.get()).equals(e.getValue())) lost.add(e.getKey() + "=" + got.map(RangeTests::text));
        }
        assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), () -> "data lost; " + context);
        List<KeyValue> scan = client.scan(Keys.USER_START, Keys.KEY_MAX, 100_000);
        assertEquals(written.size(), scan.size(), () -> "a whole-keyspace scan; " + context);
    }

    private void write(RangeDescriptor d, String suffix, Map<String, String> written) {
        String hex = hex(d.getStartKey().toByteArray()) + "-" + suffix;
        RangeTests.putOwnKey(client, key(hex), RangeTests.utf8("v-" + hex));
        written.put(hex, "v-" + hex);
    }

    /** A user key inside the range starting at the hex-coded start: the start bytes, then the text. */
    private static byte[] key(String hexAndSuffix) {
        int dash = hexAndSuffix.indexOf('-');
        byte[] start = unhex(hexAndSuffix.substring(0, dash));
        byte[] rest = RangeTests.utf8(hexAndSuffix.substring(dash));
        byte[] out = Arrays.copyOf(start.length == 0 ? Keys.USER_START : start,
                (start.length == 0 ? 1 : start.length) + rest.length);
        System.arraycopy(rest, 0, out, out.length - rest.length, rest.length);
        return out;
    }

    /** Polls until every range's leaseholder descriptor and meta record show only voters on {@code live}, exactly 3 of them. */
    private String awaitReplaced(Set<Long> live, long boundMillis) throws InterruptedException {
        return RangeTests.awaitNoProblem(boundMillis, POLL_MILLIS, () -> replacementProblem(live));
    }

    private String awaitProblemFree(Set<Long> live, int minVoters, long boundMillis) throws InterruptedException {
        return RangeTests.awaitNoProblem(boundMillis, POLL_MILLIS, () -> {
            try {
                for (RangeDescriptor m : client.allRanges()) {
                    RangeDescriptor d = client.leaseholderStatus(m.getRangeId()).getRangeDescriptor();
                    String p = replicaProblem(d, live, minVoters, Integer.MAX_VALUE);
                    if (p != null) return p;
                }
                return null;
            } catch (KvException e) {
                return e.getMessage();
            }
        });
    }

    private String replacementProblem(Set<Long> live) {
        try {
            List<RangeDescriptor> meta = client.allRanges();
            if (meta.size() != 1 + USER_RANGES) return "meta lists " + meta.size() + " ranges: " + meta;
            for (RangeDescriptor m : meta) {
                GroupStatus status = client.leaseholderStatus(m.getRangeId());
                RangeDescriptor d = status.getRangeDescriptor();
                String p = replicaProblem(d, live, 3, 3);
                if (p != null) return "leaseholder n" + status.getLease().getHolder() + ": " + p;
                p = replicaProblem(m, live, 3, 3);
                if (p != null) return "meta: " + p;
            }
            return null;
        } catch (KvException e) {
            return e.getMessage();
        }
    }

    static String replicaProblem(RangeDescriptor d, Set<Long> live, int minVoters, int maxVoters) {
        List<Long> voters = new ArrayList<>();
        for (ReplicaDescriptor r : d.getReplicasList()) {
            if (r.getLearner()) return "r" + d.getRangeId() + " still has learner n" + r.getNodeId() + " " + nodes(d);
            if (!live.contains(r.getNodeId())) return "r" + d.getRangeId() + " has a replica on dead n" + r.getNodeId()
                    + " " + nodes(d);
            voters.add(r.getNodeId());
        }
        if (voters.size() < minVoters || voters.size() > maxVoters) {
            return "r" + d.getRangeId() + " has " + voters.size() + " voters " + nodes(d);
        }
        return null;
    }

    private String replicaMap() {
        StringBuilder sb = new StringBuilder();
        for (RangeDescriptor d : client.allRanges()) sb.append("r").append(d.getRangeId()).append(nodes(d)).append(' ');
        return sb.toString().trim();
    }

    static String nodes(RangeDescriptor d) {
        List<String> out = new ArrayList<>();
        for (ReplicaDescriptor r : d.getReplicasList()) out.add("n" + r.getNodeId() + (r.getLearner() ? "(learner)" : ""));
        return out.toString();
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }
}
