package io.conclave.tests.check;

import static io.conclave.tests.check.TestHistory.append;
import static io.conclave.tests.check.TestHistory.read;
import static io.conclave.tests.check.TestHistory.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.tests.check.ListAppendChecker.Options;
import io.conclave.tests.check.ListAppendChecker.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ListAppendCheckerTest {

    private static Result check(History history) {
        return ListAppendChecker.check(history, Options.serializable());
    }

    private static void assertOnly(Result result, String kind) {
        assertEquals(Set.of(kind), result.counts().keySet(), result::toString);
    }

    @Test
    void serialHistoryIsValid() {
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1)), txn(append("x", 1)))
                .call(1, "txn", txn(read("x", null), append("x", 2)), txn(read("x", List.of(1)), append("x", 2)))
                .call(0, "txn", txn(read("x", null), read("y", null)), txn(read("x", List.of(1, 2)), read("y", null)))
                .build();
        Result result = ListAppendChecker.check(history, Options.strictSerializable());
        assertTrue(result.isValid(), result::toString);
        assertEquals(3, result.txnsChecked());
    }

    @Test
    void dirtyWriteIsG0() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1), append("y", 1)))
                .invoke(1, "txn", txn(append("x", 2), append("y", 2)))
                .ok(0, txn(append("x", 1), append("y", 1)))
                .ok(1, txn(append("x", 2), append("y", 2)))
                .call(2, "txn", txn(read("x", null), read("y", null)), txn(read("x", List.of(1, 2)), read("y", List.of(2, 1))))
                .build();
        Result result = check(history);
        assertOnly(result, "G0");
        ListAppendChecker.Anomaly g0 = result.anomalies().get("G0").get(0);
        assertEquals(2, g0.txns().size());
        assertTrue(g0.explanation().matches("cycle T0 -ww \"[xy]\"-> T1 -ww \"[xy]\"-> T0"), g0.explanation());
    }

    @Test
    void circularInformationFlowIsG1c() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1), read("y", null)))
                .invoke(1, "txn", txn(append("y", 1), read("x", null)))
                .ok(0, txn(append("x", 1), read("y", List.of(1))))
                .ok(1, txn(append("y", 1), read("x", List.of(1))))
                .build();
        assertOnly(check(history), "G1c");
    }

    @Test
    void lostUpdateIsGSingle() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(read("x", null), append("x", 1)))
                .invoke(1, "txn", txn(read("x", null), append("x", 2)))
                .ok(0, txn(read("x", List.of()), append("x", 1)))
                .ok(1, txn(read("x", List.of()), append("x", 2)))
                .call(2, "txn", txn(read("x", null)), txn(read("x", List.of(1, 2))))
                .build();
        Result result = check(history);
        assertOnly(result, "G-single");
        assertTrue(result.toString().contains("-rw \"x\"->"), result::toString);
    }

    @Test
    void writeSkewIsG2() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(read("x", null), read("y", null), append("x", 1)))
                .invoke(1, "txn", txn(read("x", null), read("y", null), append("y", 1)))
                .ok(0, txn(read("x", List.of()), read("y", List.of()), append("x", 1)))
                .ok(1, txn(read("x", List.of()), read("y", List.of()), append("y", 1)))
                .call(2, "txn", txn(read("x", null), read("y", null)), txn(read("x", List.of(1)), read("y", List.of(1))))
                .build();
        assertOnly(check(history), "G2");
    }

    @Test
    void readOfAnAbortedAppendIsG1a() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1)))
                .fail(0)
                .call(1, "txn", txn(read("x", null)), txn(read("x", List.of(1))))
                .build();
        Result result = check(history);
        assertOnly(result, "G1a");
        assertTrue(result.toString().contains("appended by the failed T0"), result::toString);
    }

    @Test
    void readOfAnIntermediateAppendIsG1b() {
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1), append("x", 2)), txn(append("x", 1), append("x", 2)))
                .call(1, "txn", txn(read("x", null)), txn(read("x", List.of(1))))
                .build();
        assertOnly(check(history), "G1b");
    }

    @Test
    void readDisagreeingWithOwnWritesIsInternal() {
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1), read("x", null)), txn(append("x", 1), read("x", List.of())))
                .call(0, "txn", txn(read("y", null), append("y", 5), read("y", null)),
                        txn(read("y", List.of()), append("y", 5), read("y", List.of())))
                .build();
        Result result = check(history);
        assertOnly(result, "internal");
        assertEquals(2, result.counts().get("internal"));
        History future = new TestHistory()
                .call(0, "txn", txn(read("x", null), append("x", 1)), txn(read("x", List.of(1)), append("x", 1)))
                .build();
        assertOnly(check(future), "internal");
    }

    @Test
    void duplicateAndUnexpectedElements() {
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1)), txn(append("x", 1)))
                .call(1, "txn", txn(read("x", null)), txn(read("x", List.of(1, 1))))
                .call(1, "txn", txn(read("y", null)), txn(read("y", List.of(7))))
                .build();
        Result result = check(history);
        assertEquals(Set.of("duplicate-elements", "unexpected-element"), result.counts().keySet(), result::toString);
    }

    @Test
    void readsThatDisagreeOnOrderAreIncompatible() {
        History history = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1)))
                .invoke(1, "txn", txn(append("x", 2)))
                .ok(0, txn(append("x", 1)))
                .ok(1, txn(append("x", 2)))
                .call(2, "txn", txn(read("x", null)), txn(read("x", List.of(1, 2))))
                .call(3, "txn", txn(read("x", null)), txn(read("x", List.of(2, 1))))
                .build();
        assertOnly(check(history), "incompatible-order");
    }

    @Test
    void staleReadIsOnlyARealtimeViolation() {
        // T1 appends and completes; T2 starts later and does not see it. Serializable (T2 before T1),
        // not strictly serializable.
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1)), txn(append("x", 1)))
                .call(1, "txn", txn(read("x", null)), txn(read("x", List.of())))
                .call(2, "txn", txn(read("x", null)), txn(read("x", List.of(1))))
                .build();
        assertTrue(check(history).isValid());
        Result strict = ListAppendChecker.check(history, Options.strictSerializable());
        assertOnly(strict, "G-single-realtime");
    }

    @Test
    void infoTxnJoinsTheGraphOnlyWhenObserved() {
        // An INFO txn whose appends were seen took effect; here in a dirty-write cycle with an OK one.
        TestHistory h = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1), append("y", 1)))
                .info(0)
                .call(1, "txn", txn(append("x", 2), append("y", 2)), txn(append("x", 2), append("y", 2)))
                .call(2, "txn", txn(read("x", null), read("y", null)), txn(read("x", List.of(1, 2)), read("y", List.of(2, 1))));
        assertOnly(check(h.build()), "G0");
        History unobserved = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1)))
                .info(0)
                .call(1, "txn", txn(read("x", null)), txn(read("x", List.of())))
                .build();
        assertTrue(check(unobserved).isValid());
    }

    @Test
    void orderHoldsAcrossAnAbortedElement() {
        // x = [1 f 2]: f's txn failed (G1a), yet T0's 1 still precedes T2's 2, and with y's order
        // the other way round that is a G0 cycle.
        History history = new TestHistory()
                .invoke(0, "txn", txn(append("x", 1), append("y", 1)))
                .invoke(2, "txn", txn(append("x", 2), append("y", 2)))
                .ok(0, txn(append("x", 1), append("y", 1)))
                .ok(2, txn(append("x", 2), append("y", 2)))
                .invoke(1, "txn", txn(append("x", 9))).fail(1)
                .call(3, "txn", txn(read("x", null), read("y", null)), txn(read("x", List.of(1, 9, 2)), read("y", List.of(2, 1))))
                .build();
        assertEquals(Set.of("G0", "G1a"), check(history).counts().keySet(), () -> check(history).toString());
    }

    @Test
    void appendsMustBeUnique() {
        History history = new TestHistory()
                .call(0, "txn", txn(append("x", 1)), txn(append("x", 1)))
                .call(1, "txn", txn(append("x", 1)), txn(append("x", 1)))
                .build();
        assertThrows(IllegalArgumentException.class, () -> check(history));
    }

    @Test
    void randomSerializableHistoriesAreValidAndStaleReadsCaught() {
        int[] mutated = {0};
        int seeds = Seeds.forEach("random list-append histories", 120, seed -> mutated[0] += checkOneSeed(seed));
        // Most seeds must have had something to mutate, or the property proves little.
        assertTrue(seeds < 10 || mutated[0] > seeds * 3 / 4, "too few mutations exercised: " + mutated[0] + " of " + seeds);
    }

    private static int checkOneSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        History history = RandomListAppendHistory.generate(random, 2 + random.nextInt(5), 1 + random.nextInt(4),
                20 + random.nextInt(150));
        Result valid = ListAppendChecker.check(history, Options.strictSerializable());
        assertTrue(valid.isValid(), () -> valid + "\n" + history.toText());

        History broken = staleRead(history, random);
        if (broken == null) broken = garbageRead(history, random);
        if (broken == null) return 0;
        History mutatedHistory = broken;
        Result invalid = ListAppendChecker.check(mutatedHistory, Options.strictSerializable());
        assertFalse(invalid.isValid(), () -> "mutation not detected\n" + mutatedHistory.toText());
        return 1;
    }

    /**
     * Drops the last element e from one read, where e's txn completed OK before the reader began and
     * some other read also saw e (so e's place in the order is known): the reader now missed a
     * write that had finished before it started.
     */
    private static History staleRead(History history, SplittableRandom random) {
        List<History.Call> calls = history.calls();
        Map<List<Object>, History.Call> writers = new HashMap<>(); // [key element] -> appender
        Map<List<Object>, Integer> readers = new HashMap<>();      // [key element] -> OK txns that read it
        for (History.Call call : calls) {
            for (Object o : (List<?>) call.input()) {
                List<?> mop = (List<?>) o;
                if (mop.get(0).equals(":append")) writers.put(List.of(mop.get(1), mop.get(2)), call);
            }
            if (call.type() != Op.Type.OK) continue;
            Set<List<Object>> seen = new HashSet<>();
            for (Object o : (List<?>) call.output()) {
                List<?> mop = (List<?>) o;
                if (!mop.get(0).equals(":r")) continue;
                for (Object element : (List<?>) mop.get(2)) seen.add(List.of(mop.get(1), element));
            }
            seen.forEach(e -> readers.merge(e, 1, Integer::sum));
        }
        List<int[]> candidates = new ArrayList<>(); // call position, micro-op position
        for (int c = 0; c < calls.size(); c++) {
            History.Call reader = calls.get(c);
            if (reader.type() != Op.Type.OK) continue;
            List<?> mops = (List<?>) reader.output();
            for (int m = 0; m < mops.size(); m++) {
                List<?> mop = (List<?>) mops.get(m);
                if (!mop.get(0).equals(":r") || ((List<?>) mop.get(2)).isEmpty()) continue;
                List<?> list = (List<?>) mop.get(2);
                List<Object> last = List.of(mop.get(1), list.get(list.size() - 1));
                History.Call writer = writers.get(last);
                if (writer != null && writer != reader && writer.type() == Op.Type.OK && writer.precedes(reader)
                        && readers.getOrDefault(last, 0) > 1) {
                    candidates.add(new int[] {c, m});
                }
            }
        }
        if (candidates.isEmpty()) return null;
        int[] pick = candidates.get(random.nextInt(candidates.size()));
        History.Call reader = calls.get(pick[0]);
        List<Object> mops = new ArrayList<>((List<?>) reader.output());
        List<?> mop = (List<?>) mops.get(pick[1]);
        List<?> list = (List<?>) mop.get(2);
        mops.set(pick[1], TestHistory.read(mop.get(1), list.subList(0, list.size() - 1)));
        return RandomRegisterHistory.withOutput(history, reader, mops);
    }

    /** Adds a never-appended element to one non-empty read. */
    private static History garbageRead(History history, SplittableRandom random) {
        for (History.Call reader : history.calls()) {
            if (reader.type() != Op.Type.OK) continue;
            List<Object> mops = new ArrayList<>((List<?>) reader.output());
            for (int m = 0; m < mops.size(); m++) {
                List<?> mop = (List<?>) mops.get(m);
                if (!mop.get(0).equals(":r")) continue;
                List<Object> list = new ArrayList<>((List<?>) mop.get(2));
                list.add(-1L);
                mops.set(m, TestHistory.read(mop.get(1), list));
                return RandomRegisterHistory.withOutput(history, reader, mops);
            }
        }
        return null;
    }
}
