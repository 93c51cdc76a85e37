package io.conclave.node.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.DataOutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Runs good and bad traffic with Netty's paranoid leak detector on and fails if it reports a
 * buffer that was garbage collected without being released.
 */
class LeakTest {
    @Test
    void noBufferLeaksUnderGoodAndBadTraffic() throws Exception {
        ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();
        Logger leakLogger = Logger.getLogger(ResourceLeakDetector.class.getName());
        List<String> leaks = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
                    synchronized (leaks) {
                        leaks.add(record.getMessage());
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        leakLogger.addHandler(capture);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            runTraffic();
            // The detector reports on later allocations, once the leaked buffers were collected.
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(20);
                for (int j = 0; j < 100; j++) {
                    ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                    probe.release();
                }
            }
            synchronized (leaks) {
                assertTrue(leaks.isEmpty(), "Netty reported leaks: " + leaks);
            }
        } finally {
            ResourceLeakDetector.setLevel(previous);
            leakLogger.removeHandler(capture);
        }
    }

    private static void runTraffic() throws Exception {
        TransportConfig config = TestNode.config().withMaxFrameBytes(4096);
        try (TestNode one = TestNode.start(1, 0, config, TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                TestNode two = TestNode.start(2, 0, config, TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                RpcClient client = RpcClient.connect(two.address(), config, FrameClock.none())) {
            one.transport.setPeerAddress(2, two.address());
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                one.transport.send(2, TestNode.raft(i));
                calls.add(one.transport.call(2, TestNode.get("k" + i), Duration.ofSeconds(5)));
                calls.add(client.call(TestNode.get("c" + i), Duration.ofSeconds(5)));
            }
            for (CompletableFuture<?> call : calls) {
                call.get(10, TimeUnit.SECONDS);
            }
            // Bad input, each on its own socket: too long, garbage, truncated.
            byte[][] bad = {
                {0x7F, 0x00, 0x00, 0x00},
                {0x00, 0x00, 0x00, 0x04, 0x0A, 0x7F, 0x01, 0x02},
                {0x00, 0x00, 0x00, 0x64, 0x01, 0x02, 0x03},
            };
            for (byte[] bytes : bad) {
                try (Socket socket = new Socket(two.address().getAddress(), two.address().getPort())) {
                    socket.setSoTimeout(5_000);
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    out.write(bytes);
                    out.flush();
                    socket.shutdownOutput();
                    while (socket.getInputStream().read() >= 0) {
                        // Until the node closes it.
                    }
                }
            }
            assertEquals("after", client.call(TestNode.get("after"), Duration.ofSeconds(5))
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
        }
    }
}
