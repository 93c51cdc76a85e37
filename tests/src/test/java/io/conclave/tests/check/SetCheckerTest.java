package io.conclave.tests.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SetCheckerTest {

    @Test
    void acknowledgedAddsMustSurvive() {
        History history = new TestHistory()
                .call(0, "add", 1, 1)
                .call(0, "add", 2, 2)
                .invoke(1, "add", 3).info(1)
                .invoke(1, "add", 4).info(1)
                .invoke(2, "add", 5).fail(2)
                .call(0, "read", null, Set.of(1, 3))
                .build();
        SetChecker.Result result = SetChecker.check(history);
        assertFalse(result.isValid());
        assertEquals(List.of(2L), result.lost());
        assertEquals(List.of(), result.unexpected());
        assertEquals(1, result.recovered(), "3 was INFO and is present");
        assertEquals(2, result.never(), "4 (INFO) and 5 (FAIL) are absent");
        assertTrue(result.toString().startsWith("INVALID: 2 acknowledged adds, 1 lost [2]"), result::toString);
    }

    @Test
    void unexpectedElementsAndConcurrentAdds() {
        History history = new TestHistory()
                .call(0, "add", 1, 1)
                .invoke(1, "add", 2)
                .invoke(0, "read", null)
                .ok(1, 2) // acknowledged while the read ran: it may be missing
                .ok(0, List.of(1, 99))
                .build();
        SetChecker.Result result = SetChecker.check(history);
        assertEquals(List.of(), result.lost());
        assertEquals(List.of(99L), result.unexpected());
        assertEquals(1, result.never());
    }

    @Test
    void noFinalReadIsInvalid() {
        History history = new TestHistory().call(0, "add", 1, 1).invoke(0, "read", null).info(0).build();
        SetChecker.Result result = SetChecker.check(history);
        assertFalse(result.isValid());
        assertTrue(result.toString().contains("no successful final read"));
    }

    @Test
    void randomSetHistoriesAreValidAndLossCaught() {
        Seeds.forEach("random set histories", 200, SetCheckerTest::checkOneSeed);
    }

    private static void checkOneSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TestHistory h = new TestHistory();
        Set<Long> stored = new LinkedHashSet<>();
        List<Long> acknowledged = new ArrayList<>();
        int processes = 1 + random.nextInt(4);
        long[] pending = new long[processes];
        boolean[] busy = new boolean[processes];
        long next = 1;
        for (int step = 0; step < 200; step++) {
            int p = random.nextInt(processes);
            if (!busy[p]) {
                pending[p] = next++;
                h.invoke(p, "add", pending[p]);
                busy[p] = true;
                continue;
            }
            int roll = random.nextInt(10);
            if (roll == 0) {
                h.fail(p);
            } else if (roll == 1) {
                if (random.nextBoolean()) stored.add(pending[p]);
                h.info(p);
            } else {
                stored.add(pending[p]);
                acknowledged.add(pending[p]);
                h.ok(p, pending[p]);
            }
            busy[p] = false;
        }
        for (int p = 0; p < processes; p++) {
            if (busy[p]) h.info(p);
        }
        h.call(0, "read", null, new ArrayList<>(stored));
        SetChecker.Result valid = SetChecker.check(h.build());
        assertTrue(valid.isValid(), valid::toString);
        assertEquals(acknowledged.size(), valid.okAdds());
        if (acknowledged.isEmpty()) return;

        Long victim = acknowledged.get(random.nextInt(acknowledged.size()));
        stored.remove(victim);
        stored.add(-1L);
        TestHistory lossy = new TestHistory();
        for (History.Call call : h.build().calls()) {
            if (call.f().equals("read")) continue;
            lossy.invoke(call.process(), call.f(), call.input());
            switch (call.type()) {
                case OK -> lossy.ok(call.process(), call.output());
                case FAIL -> lossy.fail(call.process());
                default -> lossy.info(call.process());
            }
        }
        lossy.call(0, "read", null, new ArrayList<>(stored));
        SetChecker.Result invalid = SetChecker.check(lossy.build());
        assertEquals(List.of(victim), invalid.lost(), invalid::toString);
        assertEquals(List.of(-1L), invalid.unexpected(), invalid::toString);
    }
}
