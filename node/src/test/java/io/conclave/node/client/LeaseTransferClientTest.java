package io.conclave.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lease transfers through the range client against real in-JVM nodes. */
class LeaseTransferClientTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void readsFollowATransferredLease(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 3); RangeClient c = cluster.client(DEADLINE)) {
            c.put(b("a"), b("1"));
            GroupStatus before = c.leaseholderStatus(2);
            long from = before.getLease().getHolder();
            long to = from % 3 + 1;
            c.transferLease(2, to);
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
            c.put(b("a"), b("2"));
            GroupStatus after = c.leaseholderStatus(2);
            assertEquals(to, after.getLease().getHolder());
            assertNotEquals(before.getLease().getSequence(), after.getLease().getSequence());
            assertEquals("2", s(c.get(b("a")).orElseThrow()));
        }
    }

}
