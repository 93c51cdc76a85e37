package io.conclave.node.transport;

import static io.conclave.node.transport.TestNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.Hello;
import io.conclave.range.rpc.ErrorResponse;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile or broken bytes from a raw socket: each closes that connection, is counted, and leaves
 * the node serving its peer and its other clients.
 */
class RawSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_FRAME_BYTES = 4096;

    private TestNode one;
    private TestNode two;

    @BeforeEach
    void startPair() throws Exception {
        TransportConfig config = TestNode.config()
                .withMaxFrameBytes(MAX_FRAME_BYTES)
                .withIdleTimeout(Duration.ofMillis(500));
        one = TestNode.start(1, 0, config, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS,
                FrameClock.none());
        two = TestNode.start(2, 0, config, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS,
                FrameClock.none());
        one.transport.setPeerAddress(2, two.address());
        // On a cold JVM the first Hello can take longer than the short idle timeout used here, so
        // the first connection may be closed as idle and redialed; only the result matters.
        assertEquals("up", callPeer("up"));
    }

    @AfterEach
    void stopPair() {
        one.close();
        two.close();
    }

    @Test
    void oversizedLengthClosesTheConnection() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(MAX_FRAME_BYTES + 1);
            out.write(new byte[64]);
            out.flush();
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.FRAME_TOO_LONG));
        assertStillServing();
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() throws Exception {
        // A client request padded so that its encoding is exactly maxFrameBytes; "silent"
        // because the echoed response would be larger than the limit. Built before connecting,
        // so the connection is not idle (and closed) while the padding is searched for.
        Frame request = padTo(TestNode.get("silent"), MAX_FRAME_BYTES);
        assertEquals(MAX_FRAME_BYTES, request.getSerializedSize());
        try (Socket socket = connect()) {
            writeFrame(socket, request);
            Frame received;
            do {
                received = two.poll(WAIT);
            } while (received != null && received.getSerializedSize() != MAX_FRAME_BYTES);
            assertEquals(request, received);
        }
        assertEquals(0, two.transport.stats().rejected(RejectReason.FRAME_TOO_LONG));
    }

    @Test
    void negativeLengthIsReadAsTooLong() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            // The prefix is unsigned on the wire: -5 reads as nearly 4 GiB.
            out.writeInt(-5);
            out.flush();
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.FRAME_TOO_LONG));
        assertStillServing();
    }

    @Test
    void garbageBytesCloseTheConnection() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            // Field 1 as length-delimited, announcing 127 bytes that never come: not a Frame.
            byte[] garbage = {0x0A, 0x7F, 0x01, 0x02};
            out.writeInt(garbage.length);
            out.write(garbage);
            out.flush();
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.MALFORMED_FRAME));
        assertStillServing();
    }

    @Test
    void truncatedFrameThenEndOfStreamClosesTheConnection() throws Exception {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[10]);
            out.flush();
            socket.shutdownOutput();
            assertClosedByServer(socket);
        }
        assertStillServing();
    }

    @Test
    void truncatedFrameWithoutEndOfStreamIsClosedWhenIdle() throws Exception {
        long idleBefore = two.transport.stats().rejected(RejectReason.IDLE_TIMEOUT);
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[10]);
            out.flush();
            assertClosedByServer(socket);
        }
        assertEquals(idleBefore + 1, two.transport.stats().rejected(RejectReason.IDLE_TIMEOUT));
        assertStillServing();
    }

    @Test
    void clusterMismatchIsAnsweredWithAnErrorNamingBothValues() throws Exception {
        try (Socket socket = connect()) {
            writeFrame(socket, Frame.newBuilder()
                    .setFromNode(1)
                    .setHello(Hello.newBuilder().setClusterId("intruders").setNodeId(1)
                            .setAddress("127.0.0.1:1").setMaxOffsetNanos(TestNode.MAX_OFFSET_NANOS))
                    .build());
            Frame answer = readFrame(socket);
            assertEquals(ErrorResponse.Code.CLUSTER_MISMATCH, answer.getError().getCode());
            String message = answer.getError().getMessage();
            assertTrue(message.contains("'intruders'") && message.contains("'" + TestNode.CLUSTER + "'"),
                    message);
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.CLUSTER_MISMATCH));
        assertStillServing();
    }

    @Test
    void helloFromTheHigherNodeIsRefused() throws Exception {
        try (Socket socket = connect()) {
            writeFrame(socket, Frame.newBuilder()
                    .setFromNode(3)
                    .setHello(Hello.newBuilder().setClusterId(TestNode.CLUSTER).setNodeId(3)
                            .setAddress("127.0.0.1:1").setMaxOffsetNanos(TestNode.MAX_OFFSET_NANOS))
                    .build());
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.PROTOCOL_VIOLATION));
        assertStillServing();
    }

    @Test
    void clientSendingRaftTrafficIsClosed() throws Exception {
        int before = two.pending();
        try (Socket socket = connect()) {
            writeFrame(socket, TestNode.raft(1));
            assertClosedByServer(socket);
        }
        assertEquals(1, two.transport.stats().rejected(RejectReason.PROTOCOL_VIOLATION));
        assertEquals(before, two.pending(), "a client's Raft frame reached the handler");
        assertStillServing();
    }

    @Test
    void rawClientGetsResponsesWithTheNodeStamp() throws Exception {
        try (Socket socket = connect()) {
            writeFrame(socket, TestNode.get("k").toBuilder().setRequestId(42).build());
            Frame answer = readFrame(socket);
            assertEquals(42, answer.getRequestId());
            assertEquals(2, answer.getFromNode());
            assertEquals("k", answer.getKvResponse().getValue().toStringUtf8());
        }
    }

    private String callPeer(String key) throws Exception {
        return one.transport.call(2, TestNode.get(key), WAIT).get(5, TimeUnit.SECONDS)
                .getKvResponse().getValue().toStringUtf8();
    }

    private void assertStillServing() throws Exception {
        assertEquals("still", callPeer("still"));
        try (RpcClient client = RpcClient.connect(two.address(), TestNode.config(), FrameClock.none())) {
            assertEquals("client", client.call(TestNode.get("client"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
        }
        assertTrue(eventually(WAIT, () -> two.transport.stats().connectionsEstablished() == 1));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(two.address().getAddress(), two.address().getPort());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void writeFrame(Socket socket, Frame frame) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        byte[] bytes = frame.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static Frame readFrame(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return Frame.parseFrom(bytes);
    }

    /** Waits for the server's close: end of stream or a reset, never a timeout. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        try {
            byte[] sink = new byte[1024];
            while (socket.getInputStream().read(sink) >= 0) {
                // Drain whatever came before the close.
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("server did not close the connection within 5 s", stillOpen);
        } catch (SocketException reset) {
            // Closed with unread input pending: the kernel answers with a reset. Also a close.
        }
    }

    private static Frame padTo(Frame request, int size) {
        Frame withId = request.toBuilder().setRequestId(1).build();
        // Start from the key that would fit if the framing cost nothing, then shrink: the
        // length varints make the step from one size to the next not always 1, so search.
        int overhead = withId.getSerializedSize();
        for (int keyBytes = size - overhead; keyBytes >= 0; keyBytes--) {
            String key = request.getKvRequest().getGet().getKey().toStringUtf8() + "x".repeat(keyBytes);
            Frame candidate = withId.toBuilder()
                    .setKvRequest(TestNode.get(key).getKvRequest())
                    .build();
            if (candidate.getSerializedSize() == size) {
                return candidate;
            }
        }
        throw new AssertionError("no key length gives a frame of " + size + " bytes");
    }
}
