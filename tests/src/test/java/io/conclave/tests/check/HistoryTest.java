package io.conclave.tests.check;

import static io.conclave.tests.check.TestHistory.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @Test
    void recorderPairsInvocationsWithCompletions() {
        AtomicLong clock = new AtomicLong(100);
        HistoryRecorder recorder = new HistoryRecorder(() -> clock.addAndGet(10));
        HistoryRecorder.Handle write = recorder.invoke(0, "write", kv("x", 1));
        HistoryRecorder.Handle read = recorder.invoke(1, "read", kv("x", null));
        recorder.ok(read, kv("x", 1));
        recorder.info(write, new RuntimeException("connection reset"));
        HistoryRecorder.Handle cas = recorder.invoke(2, "cas", kv("x", List.of(1, 2)));

        History history = recorder.history();
        assertEquals(5, history.ops().size());
        assertEquals(List.of(110L, 120L, 130L, 140L, 150L), history.ops().stream().map(Op::timeNanos).toList());
        List<History.Call> calls = history.calls();
        assertEquals(3, calls.size());
        assertEquals(Op.Type.INFO, calls.get(0).type());
        assertEquals("RuntimeException: connection reset", calls.get(0).completion().error());
        assertNull(calls.get(0).output(), "an INFO call has no known result");
        assertEquals(kv("x", 1L), calls.get(1).output(), "integers are widened to Long");
        assertEquals(Op.Type.INFO, calls.get(2).type(), "a call never completed counts as INFO");
        assertEquals(Long.MAX_VALUE, calls.get(2).completeIndex());
        assertTrue(calls.get(1).invokeIndex() > calls.get(0).invokeIndex());
    }

    @Test
    void aProcessRunsOneOperationAtATime() {
        HistoryRecorder recorder = new HistoryRecorder(() -> 0L);
        HistoryRecorder.Handle first = recorder.invoke(0, "read", kv("x", null));
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> recorder.invoke(0, "read", kv("x", null)));
        assertTrue(twice.getMessage().contains("still outstanding"), twice.getMessage());
        recorder.ok(first, kv("x", null));
        assertThrows(IllegalStateException.class, () -> recorder.ok(first, kv("x", null)), "completed twice");
        HistoryRecorder.Handle write = recorder.invoke(0, "write", kv("x", 7));
        recorder.ok(write);
        assertEquals(kv("x", 7L), recorder.history().calls().get(1).output(), "ok without a value repeats the argument");
        HistoryRecorder other = new HistoryRecorder(() -> 0L);
        assertThrows(IllegalArgumentException.class, () -> other.fail(first, "x"), "someone else's handle");
    }

    @Test
    void malformedHistoriesAreRejected() {
        Op invoke = new Op(0, 0, Op.Type.INVOKE, "read", null, null, 0);
        Op again = new Op(1, 0, Op.Type.INVOKE, "read", null, null, 1);
        Op orphan = new Op(1, 1, Op.Type.OK, "read", null, null, 1);
        Op wrongF = new Op(1, 0, Op.Type.OK, "write", null, null, 1);
        Op backwards = new Op(0, 1, Op.Type.INVOKE, "read", null, null, 1);
        assertThrows(IllegalArgumentException.class, () -> History.of(List.of(invoke, again)));
        assertThrows(IllegalArgumentException.class, () -> History.of(List.of(invoke, orphan)));
        assertThrows(IllegalArgumentException.class, () -> History.of(List.of(invoke, wrongF)));
        assertThrows(IllegalArgumentException.class, () -> History.of(List.of(invoke, backwards)));
        assertThrows(IllegalArgumentException.class, () -> new Op(0, 0, Op.Type.OK, "read", new Object(), null, 0),
                "values are plain data");
    }

    @Test
    void textFormRoundTrips(@TempDir Path dir) throws Exception {
        TestHistory h = new TestHistory()
                .invoke(0, "txn", TestHistory.txn(TestHistory.append("x", 1), TestHistory.read("x", null)))
                .invoke(1, "read", Map.of(0, 10, 1, 20))
                .ok(0, TestHistory.txn(TestHistory.append("x", 1), TestHistory.read("x", List.of(1))))
                .ok(1, Map.of(0, 10, 1, 20))
                .invoke(2, "add", "quote \" and \\ and \n newline")
                .fail(2)
                .invoke(3, "read", null)
                .ok(3, Set.of(true, false))
                .invoke(4, "write", kv("x", -5));
        History history = h.build();
        Path file = dir.resolve("sub/history.edn");
        history.write(file);
        History back = History.read(file);
        assertEquals(history.ops(), back.ops());
        assertEquals(history.toText(), back.toText());
        assertTrue(Files.readString(file).contains("[:append \"x\" 1]"), Files.readString(file));
    }

    @Test
    void randomHistoriesRoundTripThroughText() {
        Seeds.forEach("history text round trip", 50, seed -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            History history = random.nextBoolean()
                    ? RandomListAppendHistory.generate(random, 3, 3, 60)
                    : RandomRegisterHistory.generate(random, 3, 3, 60, true);
            History back = History.parse(history.toText());
            assertEquals(history.ops(), back.ops());
            assertEquals(history.calls(), back.calls());
        });
    }

    @Test
    void handWrittenLinesMayOmitIndexAndTime() {
        History history = History.parse(String.join("\n",
                "; a comment, then a blank line",
                "",
                "{:process 0, :type :invoke, :f :write, :value [x 1]}",
                "{:process 0 :type :ok :f :write :value [x 1]}  ; commas are optional"));
        assertEquals(2, history.ops().size());
        assertEquals(1, history.ops().get(1).index());
        assertEquals(List.of("x", 1L), history.calls().get(0).output());
    }

    @Test
    void parseErrorsNameTheLine() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> History.parse(
                "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :bogus, :f :read}"));
        assertTrue(error.getMessage().startsWith("history line 2:"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> History.parse("{:process 0, :type :invoke, :f :read, :value [1 2}"));
        assertThrows(IllegalArgumentException.class, () -> History.parse("{:process 0, :type :invoke, :f :read, :extra 1}"));
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100; i++) deep.append('[');
        assertThrows(IllegalArgumentException.class, () -> Values.parse(deep.toString()), "nesting is bounded");
    }

    /**
     * Real threads against a really linearizable object (ConcurrentHashMap's get, put and
     * replace): the recorder's order must be a real-time order the checker accepts.
     */
    @Test
    void threadsOnALinearizableMapGiveAValidHistory() throws Exception {
        java.util.concurrent.ConcurrentHashMap<Long, Long> map = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong values = new AtomicLong();
        HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int process = p;
            java.util.SplittableRandom random = new java.util.SplittableRandom(p);
            threads.add(new Thread(() -> {
                for (int i = 0; i < 300; i++) {
                    long key = random.nextInt(3);
                    switch (random.nextInt(3)) {
                        case 0 -> {
                            HistoryRecorder.Handle h = recorder.invoke(process, "read", kv(key, null));
                            recorder.ok(h, kv(key, map.get(key)));
                        }
                        case 1 -> {
                            long value = values.incrementAndGet();
                            HistoryRecorder.Handle h = recorder.invoke(process, "write", kv(key, value));
                            map.put(key, value);
                            recorder.ok(h);
                        }
                        default -> {
                            Long expected = map.get(key);
                            long value = values.incrementAndGet();
                            HistoryRecorder.Handle h = recorder.invoke(process, "cas", kv(key, java.util.Arrays.asList(expected, value)));
                            boolean swapped = expected == null ? map.putIfAbsent(key, value) == null : map.replace(key, expected, value);
                            if (swapped) recorder.ok(h);
                            else recorder.fail(h, "compare failed");
                        }
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join(10_000);
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(recorder.history(),
                RegisterModel.casRegister(), LinearizabilityChecker.Budget.of(1_000_000, java.time.Duration.ofSeconds(10)));
        assertEquals(LinearizabilityChecker.Verdict.VALID, result.verdict(), result::toString);
        assertEquals(3, result.keysChecked());
    }

    @Test
    void recorderIsSafeUnderConcurrentUse() throws Exception {
        AtomicLong clock = new AtomicLong();
        HistoryRecorder recorder = new HistoryRecorder(clock::incrementAndGet);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int process = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    HistoryRecorder.Handle handle = recorder.invoke(process, "add", process * 1000 + i);
                    recorder.ok(handle, process * 1000 + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join(10_000);
        History history = recorder.history();
        assertEquals(4000, history.ops().size());
        assertEquals(2000, history.calls().size());
        assertTrue(history.calls().stream().allMatch(c -> c.type() == Op.Type.OK));
    }
}
