package io.conclave.tests.check;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds hand-made histories for tests through a {@link HistoryRecorder} on a counting clock. */
final class TestHistory {
    private long now;
    private final HistoryRecorder recorder = new HistoryRecorder(() -> now++);
    private final Map<Integer, HistoryRecorder.Handle> open = new HashMap<>();

    TestHistory invoke(int process, String f, Object value) {
        open.put(process, recorder.invoke(process, f, value));
        return this;
    }

    TestHistory ok(int process, Object value) {
        recorder.ok(take(process), value);
        return this;
    }

    TestHistory fail(int process) {
        recorder.fail(take(process), "refused");
        return this;
    }

    TestHistory info(int process) {
        recorder.info(take(process), "timeout");
        return this;
    }

    /** Invokes and completes OK at once: an operation no other overlaps. */
    TestHistory call(int process, String f, Object input, Object output) {
        return invoke(process, f, input).ok(process, output);
    }

    History build() {
        return recorder.history();
    }

    private HistoryRecorder.Handle take(int process) {
        HistoryRecorder.Handle handle = open.remove(process);
        if (handle == null) throw new IllegalStateException("process " + process + " has nothing outstanding");
        return handle;
    }

    /** A [key value] tuple; value may be null. */
    static List<Object> kv(Object key, Object value) {
        return Arrays.asList(key, value);
    }

    static List<Object> append(Object key, Object element) {
        return List.of(":append", key, element);
    }

    /** A read micro-op; {@code list} null in an invocation. */
    static List<Object> read(Object key, List<?> list) {
        return Arrays.asList(":r", key, list);
    }

    static List<Object> txn(Object... microOps) {
        return List.of(microOps);
    }
}
