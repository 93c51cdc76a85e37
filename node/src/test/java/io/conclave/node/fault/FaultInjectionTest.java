package io.conclave.node.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.PhysicalClock;
import io.conclave.node.rpc.FaultState;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.client.NodeDialer;
import io.conclave.range.client.NotSentException;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class FaultInjectionTest {
    private static final PhysicalClock FIXED = () -> 1_000_000_000_000L;

    @Test
    void aNodeWithoutTheFlagRefusesRulesAndWrapsNothing() {
        FaultInjection off = FaultInjection.disabled();
        var e = assertThrows(FaultInjection.FaultInjectionRefused.class,
                () -> off.apply(3, SetFaults.newBuilder().addIsolatedFrom(1).build()));
        assertTrue(e.getMessage().contains("node 3 was not started with --testing-fault-injection"), e.getMessage());
        assertThrows(FaultInjection.FaultInjectionRefused.class,
                () -> off.apply(3, SetFaults.newBuilder().setQueryOnly(true).build()));
        assertSame(FIXED, off.clockOver(FIXED));
        Recording inner = new Recording();
        assertSame(inner, off.dialerOver(inner, hp -> 1));
        assertFalse(off.isolates(1));
    }

    @Test
    void rulesReplaceEachOtherAndStepTheClock() {
        FaultInjection on = FaultInjection.enabled();
        PhysicalClock clock = on.clockOver(FIXED);
        FaultState s = on.apply(2, SetFaults.newBuilder().addAllIsolatedFrom(List.of(3L, 1L))
                .setClockOffsetNanos(-40_000_000).build());
        assertEquals(List.of(1L, 3L), s.getIsolatedFromList());
        assertTrue(on.isolates(1) && on.isolates(3) && !on.isolates(2));
        assertEquals(FIXED.nowNanos() - 40_000_000, clock.nowNanos());
        // The next request replaces the rules whole: healed, clock back.
        on.apply(2, SetFaults.getDefaultInstance());
        assertFalse(on.isolates(1));
        assertEquals(FIXED.nowNanos(), clock.nowNanos());
        // A query changes nothing.
        on.apply(2, SetFaults.newBuilder().addIsolatedFrom(1).build());
        assertEquals(List.of(1L), on.apply(2, SetFaults.newBuilder().setQueryOnly(true).build()).getIsolatedFromList());
    }

    @Test
    void malformedRulesAreRefusedAndLeaveTheOldOnes() {
        FaultInjection on = FaultInjection.enabled();
        on.apply(2, SetFaults.newBuilder().addIsolatedFrom(1).build());
        var self = assertThrows(FaultInjection.FaultInjectionRefused.class,
                () -> on.apply(2, SetFaults.newBuilder().addIsolatedFrom(2).build()));
        assertTrue(self.getMessage().contains("cannot be cut off from itself"), self.getMessage());
        var far = assertThrows(FaultInjection.FaultInjectionRefused.class,
                () -> on.apply(2, SetFaults.newBuilder().setClockOffsetNanos(FaultRules.MAX_CLOCK_OFFSET_NANOS + 1).build()));
        assertTrue(far.getMessage().contains("exceeds the limit"), far.getMessage());
        assertTrue(on.isolates(1));
    }

    @Test
    void theDialerRefusesIsolatedPeersAsNotSentAndPassesTheRest() throws Exception {
        FaultInjection on = FaultInjection.enabled();
        Recording inner = new Recording();
        NodeDialer dialer = on.dialerOver(inner, hp -> hp.equals("h:1") ? 1 : hp.equals("h:2") ? 2 : 0);
        on.apply(3, SetFaults.newBuilder().addIsolatedFrom(1).build());
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> dialer.send("h:1", KvRequest.getDefaultInstance()).get());
        assertTrue(refused.getCause() instanceof NotSentException, refused.toString());
        assertThrows(ExecutionException.class, () -> dialer.sendAdmin("h:1", AdminRequest.getDefaultInstance()).get());
        dialer.send("h:2", KvRequest.getDefaultInstance()).get();
        dialer.send("seed:9", KvRequest.getDefaultInstance()).get(); // an unknown address is never cut
        assertEquals(2, inner.calls.get());
        assertEquals(2, on.state().getRefusedRequests());
    }

    private static final class Recording implements NodeDialer {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(RangeReply.getDefaultInstance());
        }

        @Override
        public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(RangeReply.getDefaultInstance());
        }

        @Override
        public void close() {}
    }
}
