package io.conclave.node.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.transport.TransportConfig;
import io.conclave.range.client.NotSentException;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.StatusRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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

    /**
     * A node that drops every connection, at once or when a request arrives (as one whose clock
     * is refused does), with several threads sending to it: losing a connection on the I/O thread while
     * another thread dials the same node must not stall the dialer. Its one I/O thread serves
     * every node, so a stall there would silence the whole client (a node's liveness heartbeat
     * and its SQL gateway) for good.
     */
    @Test
    void connectionsLostWhileOthersRedialNeverStallTheDialer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> dropEveryConnection(server), "dropping-server");
            acceptor.setDaemon(true);
            acceptor.start();
            // A long connect timeout: a dial stuck behind a stalled I/O thread would wait all of it.
            NettyNodeDialer dialer = new NettyNodeDialer(
                    TransportConfig.defaults().withConnectTimeout(Duration.ofSeconds(30)), Duration.ofSeconds(2));
            String stall = sendWhileConnectionsDrop(dialer, "127.0.0.1:" + server.getLocalPort());
            // A stalled dialer cannot be closed either (the close waits on the stall): left to the JVM's exit.
            assertNull(stall, stall);
            dialer.close();
        }
    }

    /** Null if every call of several senders ended within its timeout, else what stalled. */
    private static String sendWhileConnectionsDrop(NettyNodeDialer dialer, String hostPort) throws InterruptedException {
        // Senders that do not wait for their answers keep dialing while connections drop.
        List<CompletableFuture<RangeReply>> sent = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        AtomicLong longestSendNanos = new AtomicLong();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread sender = new Thread(() -> {
                for (int i = 0; i < 20_000 && System.nanoTime() < until; i++) {
                    long start = System.nanoTime();
                    CompletableFuture<RangeReply> f = dialer.sendAdmin(hostPort, STATUS);
                    longestSendNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    synchronized (sent) {
                        sent.add(f);
                    }
                    LockSupport.parkNanos(10_000);
                }
            }, "sender-" + t);
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join(10_000);
            if (sender.isAlive()) return sender.getName() + " was stuck in a send 7 s after the sends were to end";
        }
        // A send only hands the request to a connection, dialing one if needed: on loopback, quick.
        if (longestSendNanos.get() > TimeUnit.SECONDS.toNanos(5)) {
            return "a send took " + TimeUnit.NANOSECONDS.toMillis(longestSendNanos.get()) + " ms";
        }
        List<CompletableFuture<RangeReply>> calls;
        synchronized (sent) {
            calls = List.copyOf(sent);
        }
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).get(5, TimeUnit.SECONDS); // each call's timeout is 2 s
            } catch (ExecutionException expected) {
                // the connection was dropped, or never made: either is fine here
            } catch (TimeoutException e) {
                return "call " + i + " of " + calls.size() + " had no outcome 5 s after the sends ended"
                        + " (its timeout is 2 s)";
            }
        }
        return calls.size() > 100 ? null : "only " + calls.size() + " calls were made";
    }

    /** Closes every connection: every other one at once, the rest when their first byte arrives. */
    private static void dropEveryConnection(ServerSocket server) {
        for (long n = 0; !server.isClosed(); n++) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            boolean atOnce = n % 2 == 0;
            Thread dropper = new Thread(() -> {
                try (Socket socket = s; InputStream in = socket.getInputStream()) {
                    if (!atOnce) in.read();
                } catch (IOException ignored) {
                    // the client went first
                }
            }, "dropper");
            dropper.setDaemon(true);
            dropper.start();
        }
    }
}
