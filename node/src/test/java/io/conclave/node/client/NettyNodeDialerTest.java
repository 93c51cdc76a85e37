package io.conclave.node.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.client.NotSentException;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.StatusRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NettyNodeDialerTest {
    private static final AdminRequest STATUS = AdminRequest.newBuilder()
            .setStatus(StatusRequest.getDefaultInstance()).build();

    @Test
    void answersComeBackAsRangeRepliesAndADeadNodeIsNotSent(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 1);
                NettyNodeDialer dialer = new NettyNodeDialer(Duration.ofSeconds(3))) {
            RangeReply reply = dialer.sendAdmin(cluster.hostPort(1), STATUS).get(5, TimeUnit.SECONDS);
            assertTrue(reply.hasAdminResponse(), reply.toString());

            String nowhere = "127.0.0.1:" + ClientCluster.freeAddress().getPort();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> dialer.sendAdmin(nowhere, STATUS).get(5, TimeUnit.SECONDS));
            assertInstanceOf(NotSentException.class, e.getCause());

            // A node that restarts is reached again on a new connection.
            cluster.stop(1);
            org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> dialer.sendAdmin(cluster.hostPort(1), STATUS).get(5, TimeUnit.SECONDS));
            cluster.start(1);
            assertTrue(dialer.sendAdmin(cluster.hostPort(1), STATUS).get(5, TimeUnit.SECONDS).hasAdminResponse());
        }
    }
}
