package io.conclave.tests.check;

import static io.conclave.tests.check.TestHistory.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.tests.check.LinearizabilityChecker.Budget;
import io.conclave.tests.check.LinearizabilityChecker.Result;
import io.conclave.tests.check.LinearizabilityChecker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private static final Budget BUDGET = Budget.steps(1_000_000);

    private static Result check(History history) {
        return LinearizabilityChecker.check(history, RegisterModel.casRegister(), BUDGET);
    }

    @Test
    void concurrentWriteMayBeSeenOrNot() {
        History history = new TestHistory()
                .call(0, "write", kv("x", 1), kv("x", 1))
                .invoke(0, "write", kv("x", 2))
                .call(1, "read", kv("x", null), kv("x", 1))
                .call(2, "read", kv("x", null), kv("x", 2))
                .ok(0, kv("x", 2))
                .call(1, "read", kv("x", null), kv("x", 2))
                .build();
        Result result = check(history);
        assertEquals(Verdict.VALID, result.verdict(), result::toString);
    }

    @Test
    void staleReadIsInvalidAndExplained() {
        // The classic: a write completes, and a later read still sees the old value.
        History history = new TestHistory()
                .call(0, "write", kv("x", 1), kv("x", 1))
                .call(0, "write", kv("x", 2), kv("x", 2))
                .call(1, "read", kv("x", null), kv("x", 1))
                .build();
        Result result = check(history);
        assertEquals(Verdict.INVALID, result.verdict(), result::toString);
        assertEquals("x", result.key());
        assertEquals(2, result.longestPrefix().size(), result::toString);
        assertEquals("read", result.unplaceable().f());
        assertEquals(new RegisterModel.Cell(2L), result.stateAfterPrefix());
        assertTrue(result.toString().contains("could not place: p1 read"), result::toString);
    }

    @Test
    void readsMustAgreeOnOneOrder() {
        // Two writes overlap; one reader sees 1 then 2, the other 2 then 1: no single order explains both.
        History history = new TestHistory()
                .invoke(0, "write", kv("x", 1))
                .invoke(1, "write", kv("x", 2))
                .call(2, "read", kv("x", null), kv("x", 1))
                .call(2, "read", kv("x", null), kv("x", 2))
                .call(3, "read", kv("x", null), kv("x", 2))
                .call(3, "read", kv("x", null), kv("x", 1))
                .ok(0, kv("x", 1))
                .ok(1, kv("x", 2))
                .build();
        assertEquals(Verdict.INVALID, check(history).verdict());
    }

    @Test
    void lostUpdateByCasIsInvalid() {
        // Two CASes from 0 both succeed: one of the increments was lost.
        History history = new TestHistory()
                .call(0, "write", kv("x", 0), kv("x", 0))
                .invoke(1, "cas", kv("x", List.of(0, 1)))
                .invoke(2, "cas", kv("x", List.of(0, 2)))
                .ok(1, kv("x", List.of(0, 1)))
                .ok(2, kv("x", List.of(0, 2)))
                .build();
        assertEquals(Verdict.INVALID, check(history).verdict());
    }

    @Test
    void infoWriteMayTakeEffectLateOrNever() {
        TestHistory base = new TestHistory()
                .invoke(0, "write", kv("x", 1))
                .info(0)
                .call(1, "read", kv("x", null), kv("x", null));
        assertEquals(Verdict.VALID, check(base.build()).verdict(), "not yet");
        base.call(1, "read", kv("x", null), kv("x", 1));
        assertEquals(Verdict.VALID, check(base.build()).verdict(), "taking effect long after the timeout");
        base.call(1, "read", kv("x", null), kv("x", null));
        assertEquals(Verdict.INVALID, check(base.build()).verdict(), "but it cannot be undone");
    }

    @Test
    void failedWriteNeverTookEffect() {
        History history = new TestHistory()
                .invoke(0, "write", kv("x", 1))
                .fail(0)
                .call(1, "read", kv("x", null), kv("x", 1))
                .build();
        assertEquals(Verdict.INVALID, check(history).verdict());
    }

    @Test
    void keysAreCheckedIndependently() {
        History history = new TestHistory()
                .call(0, "write", kv("x", 1), kv("x", 1))
                .call(0, "write", kv("y", 1), kv("y", 1))
                .call(1, "read", kv("x", null), kv("x", 1))
                .call(1, "read", kv("y", null), kv("y", null))
                .build();
        Result result = check(history);
        assertEquals(Verdict.INVALID, result.verdict());
        assertEquals("y", result.key(), "the stale read is on y; x is fine");
    }

    @Test
    void plainRegisterRejectsCas() {
        History history = new TestHistory().call(0, "cas", kv("x", List.of(1, 2)), kv("x", List.of(1, 2))).build();
        try {
            LinearizabilityChecker.check(history, RegisterModel.register(), BUDGET);
            fail("a cas on a plain register must be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("no operation cas"), expected.getMessage());
        }
    }

    /** Many concurrent writes and a read of a value nobody wrote: the search must give up, not hang. */
    private static History pathological(int writers) {
        TestHistory h = new TestHistory();
        for (int p = 0; p < writers; p++) h.invoke(p, "write", kv("x", p + 1));
        h.call(writers, "read", kv("x", null), kv("x", -1));
        for (int p = 0; p < writers; p++) h.ok(p, kv("x", p + 1));
        return h.build();
    }

    @Test
    void searchBoundGivesUnknown() {
        Result result = LinearizabilityChecker.check(pathological(24), RegisterModel.register(), Budget.steps(50_000));
        assertEquals(Verdict.UNKNOWN, result.verdict(), result::toString);
        assertTrue(result.reason().contains("50000 steps"), result.reason());
    }

    @Test
    void timeBudgetGivesUnknown() {
        long[] now = {0};
        Budget leapingClock = new Budget(Long.MAX_VALUE, Budget.DEFAULT_MAX_MEMO_BYTES, 1_000_000,
                () -> now[0] += 100_000); // 0.1 ms a reading
        Result result = LinearizabilityChecker.check(pathological(24), RegisterModel.register(), leapingClock);
        assertEquals(Verdict.UNKNOWN, result.verdict(), result::toString);
        assertTrue(result.reason().contains("time budget"), result.reason());
    }

    @Test
    void memoryBoundGivesUnknown() {
        Budget smallMemo = new Budget(Long.MAX_VALUE, 1 << 20, Long.MAX_VALUE, () -> 0L);
        Result result = LinearizabilityChecker.check(pathological(24), RegisterModel.register(), smallMemo);
        assertEquals(Verdict.UNKNOWN, result.verdict(), result::toString);
        assertTrue(result.reason().contains("memo table exceeded 1 MiB"), result.reason());
    }

    @Test
    void smallPathologicalHistoryIsDecided() {
        // Memoization makes 12 concurrent writes cheap: 2^12 subsets times 13 states at most.
        Result result = LinearizabilityChecker.check(pathological(12), RegisterModel.register(), Budget.steps(1_000_000));
        assertEquals(Verdict.INVALID, result.verdict(), result::toString);
    }

    @Test
    void randomLinearizableHistoriesAreValidAndMutationsInvalid() {
        int[] mutated = {0};
        int seeds = Seeds.forEach("random register histories", 300, seed -> mutated[0] += checkOneSeed(seed));
        // Most seeds must have had something to mutate, or the property proves little.
        assertTrue(seeds < 10 || mutated[0] > seeds * 3 / 4, "too few mutations exercised: " + mutated[0] + " of " + seeds);
    }

    private static int checkOneSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean withCas = random.nextBoolean();
        Model<RegisterModel.Cell> model = withCas ? RegisterModel.casRegister() : RegisterModel.register();
        History history = RandomRegisterHistory.generate(random, 2 + random.nextInt(4), 1 + random.nextInt(3),
                20 + random.nextInt(120), withCas);
        Result valid = LinearizabilityChecker.check(history, model, BUDGET);
        assertEquals(Verdict.VALID, valid.verdict(), () -> valid + "\n" + history.toText());

        List<History.Call> reads = new ArrayList<>();
        for (History.Call call : history.calls()) {
            if (call.f().equals("read") && call.type() == Op.Type.OK) reads.add(call);
        }
        if (reads.isEmpty()) return 0;
        History.Call victim = reads.get(random.nextInt(reads.size()));
        Object key = ((List<?>) victim.output()).get(0);
        Object impossible = futureValue(history, victim, key);
        History broken = RandomRegisterHistory.withOutput(history, victim, kv(key, impossible == null ? -1 : impossible));
        Result invalid = LinearizabilityChecker.check(broken, model, BUDGET);
        assertEquals(Verdict.INVALID, invalid.verdict(), () -> "mutated " + victim + "\n" + invalid + "\n" + broken.toText());
        assertEquals(key, invalid.key());
        return 1;
    }

    /** A value written to {@code key} by a write invoked after {@code read} completed: reading it is reading the future. */
    private static Object futureValue(History history, History.Call read, Object key) {
        for (History.Call call : history.calls()) {
            if (call.f().equals("write") && read.precedes(call) && ((List<?>) call.input()).get(0).equals(key)) {
                return ((List<?>) call.input()).get(1);
            }
        }
        return null;
    }
}
