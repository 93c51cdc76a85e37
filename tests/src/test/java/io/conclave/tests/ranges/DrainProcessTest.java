package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.conclave.clock.Timestamp;
import io.conclave.node.cluster.Liveness;
import io.conclave.node.launch.NodeProcess;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.NodeLiveness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop (SIGTERM) drains a node: the leases it held move to other nodes before it
 * exits, so its ranges serve at once rather than after the leases expire, and its liveness
 * record has expired, so witness rounds stop asking it. Without the drain the lease would still
 * name the stopped node and its record would be live for most of the 9 s ttl.
 */
final class DrainProcessTest {
    static final long USER_RANGE = Keys.FIRST_USER_RANGE_ID;
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final int MAX_NODES = 64;
    static final Pattern DRAINED = Pattern.compile("drained in \\d+ ms: moved (\\d+) of its (\\d+) leases; its liveness record expired");

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aLeaseholderStoppedBySigtermHandsItsLeasesOverAndWithdrawsBeforeItExits(@TempDir Path dir) throws Exception {
        cluster = new RangeTestCluster(dir, "drain", 3, 3, List.of("--initial-ranges", "1"));
        cluster.start(1, 2, 3);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, RangeTests.seed());
        client.put(utf8("before"), utf8("1")); // the user range now has a leaseholder
        // A settled cluster: every node registered, so the leases have live nodes to go to.
        assertEquals(null, RangeTests.awaitNoProblem(30_000, 100, () -> {
            Map<Long, NodeLiveness> all = Liveness.readAll(client, MAX_NODES);
            long nowWall = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
            long live = all.values().stream().filter(r -> Timestamp.fromProto(r.getExpiration()).wallNanos() > nowWall).count();
            return live == 3 ? null : live + " of 3 nodes registered: " + all.keySet();
        }), "the cluster did not settle");
        long holder = client.leaseholderStatus(USER_RANGE).getLease().getHolder();
        assertNotEquals(0, holder, "the user range has no lease after a write");
        NodeProcess victim = cluster.node(holder);

        long stopNanos = System.nanoTime();
        victim.stop(STOP_GRACE);
        long exitedWallNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        assertNotNull(victim.awaitExit(Duration.ZERO), "node " + holder + " still runs after SIGTERM");
        String log = victim.log();
        Matcher drained = DRAINED.matcher(log);
        assertTrue(drained.find(), () -> "node " + holder + " logged no complete drain; log tail:\n" + victim.logTail(40));
        assertEquals(drained.group(2), drained.group(1), "node " + holder + " kept a lease: " + drained.group());
        System.out.println("[drain] node " + holder + " stopped in " + RangeTests.millisSince(stopNanos) + " ms: "
                + drained.group());

        // The lease moved before the exit: a lease taken after its expiry would start after it.
        long putStart = System.nanoTime();
        client.put(utf8("after"), utf8("2"));
        GroupStatus after = client.leaseholderStatus(USER_RANGE);
        System.out.println("[drain] a write to range " + USER_RANGE + " after the stop took "
                + RangeTests.millisSince(putStart) + " ms; lease " + TextFormat.shortDebugString(after.getLease()));
        assertNotEquals(holder, after.getLease().getHolder(), "the stopped node still holds the lease");
        assertTrue(after.getLease().getStart().getWallNanos() < exitedWallNanos,
                () -> "range " + USER_RANGE + "'s lease started after node " + holder + " exited (waited for expiry): "
                        + TextFormat.shortDebugString(after.getLease()));

        Map<Long, NodeLiveness> records = Liveness.readAll(client, MAX_NODES);
        NodeLiveness record = records.get(holder);
        assertNotNull(record, "no liveness record of node " + holder + ": " + records.keySet());
        assertTrue(Timestamp.fromProto(record.getExpiration()).wallNanos() < exitedWallNanos,
                () -> "node " + holder + "'s liveness record outlived its exit: " + TextFormat.shortDebugString(record));

        // It comes back like any restarted node: registered again, serving.
        cluster.restart(holder);
        String problem = RangeTests.awaitNoProblem(30_000, 200, () -> {
            Optional<NodeLiveness> r = Optional.ofNullable(Liveness.readAll(client, MAX_NODES).get(holder));
            long nowWall = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
            return r.isPresent() && Timestamp.fromProto(r.get().getExpiration()).wallNanos() > nowWall ? null
                    : "node " + holder + "'s record: " + r.orElse(null);
        });
        assertEquals(null, problem, "the restarted node did not register again");
        client.put(utf8("restarted"), utf8("3"));
    }
}
