package io.conclave.tests.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Compares the checkers with exhaustive search on tiny random histories, valid and not. For
 * registers the two must agree exactly (the search is sound and complete). For list-append the
 * checker may miss what it cannot see but must never accuse a history that some (strictly)
 * serial order explains; and it must catch most of those no order explains.
 */
class BruteForceCrossCheckTest {

    // ---- registers ----

    @Test
    void linearizabilityAgreesWithExhaustiveSearch() {
        int[] invalid = {0};
        int seeds = Seeds.forEach("register cross-check", 1_000, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            History history = tinyRegisterHistory(random);
            Model<RegisterModel.Cell> model = RegisterModel.casRegister();
            boolean expected = linearizable(history, model);
            LinearizabilityChecker.Result result =
                    LinearizabilityChecker.check(history, model, LinearizabilityChecker.Budget.steps(100_000));
            assertEquals(expected ? LinearizabilityChecker.Verdict.VALID : LinearizabilityChecker.Verdict.INVALID,
                    result.verdict(), () -> result + "\n" + history.toText());
            if (!expected) invalid[0]++;
        });
        assertTrue(seeds < 100 || (invalid[0] > seeds / 5 && invalid[0] < seeds * 4 / 5),
                "the generator should make both kinds; invalid: " + invalid[0] + " of " + seeds);
    }

    /** A few overlapping ops on one key, with results that are right, or now and then not. */
    private static History tinyRegisterHistory(SplittableRandom random) {
        int processes = 2 + random.nextInt(2);
        int ops = 3 + random.nextInt(5);
        TestHistory h = new TestHistory();
        boolean[] busy = new boolean[processes];
        Object[] result = new Object[processes];
        Object register = null;
        int invoked = 0;
        while (invoked < ops || anyBusy(busy)) {
            int p = random.nextInt(processes);
            if (!busy[p]) {
                if (invoked == ops) continue;
                invoked++;
                busy[p] = true;
                int kind = random.nextInt(3);
                Long value = (long) (1 + random.nextInt(3));
                if (kind == 0) {
                    h.invoke(p, "write", TestHistory.kv("x", value));
                    register = value;
                    result[p] = value;
                } else if (kind == 1) {
                    h.invoke(p, "read", TestHistory.kv("x", null));
                    result[p] = random.nextInt(4) == 0 ? (Object) (long) random.nextInt(4) : register;
                } else {
                    Object expected = random.nextBoolean() ? register : (Object) (long) (1 + random.nextInt(3));
                    h.invoke(p, "cas", TestHistory.kv("x", Arrays.asList(expected, value)));
                    if (java.util.Objects.equals(expected, register)) register = value;
                    result[p] = Arrays.asList(expected, value);
                }
                continue;
            }
            busy[p] = false;
            int outcome = random.nextInt(10);
            if (outcome == 0) h.info(p);
            else if (outcome == 1) h.fail(p);
            else h.ok(p, TestHistory.kv("x", result[p] == null || result[p].equals(0L) ? null : result[p]));
        }
        return h.build();
    }

    private static boolean anyBusy(boolean[] busy) {
        for (boolean b : busy) if (b) return true;
        return false;
    }

    private static <S> boolean linearizable(History history, Model<S> model) {
        List<LinearizationSearch.KeyedCall> calls = new ArrayList<>();
        for (History.Call call : history.calls()) {
            if (call.type() == Op.Type.FAIL) continue;
            LinearizationSearch.KeyedCall keyed = LinearizationSearch.KeyedCall.of(call);
            if (model.constrains(keyed.action())) calls.add(keyed);
        }
        int required = (int) calls.stream().filter(LinearizationSearch.KeyedCall::required).count();
        return place(calls, new boolean[calls.size()], model, model.initial(), required);
    }

    /** Tries every order that respects real time; INFO calls may be placed or left out. */
    private static <S> boolean place(List<LinearizationSearch.KeyedCall> calls, boolean[] placed, Model<S> model,
                                     S state, int requiredLeft) {
        if (requiredLeft == 0) return true;
        for (int i = 0; i < calls.size(); i++) {
            if (placed[i] || !ready(calls, placed, i)) continue;
            Optional<S> next = model.step(state, calls.get(i).action());
            if (next.isEmpty()) continue;
            placed[i] = true;
            boolean found = place(calls, placed, model, next.get(), requiredLeft - (calls.get(i).required() ? 1 : 0));
            placed[i] = false;
            if (found) return true;
        }
        return false;
    }

    private static boolean ready(List<LinearizationSearch.KeyedCall> calls, boolean[] placed, int i) {
        for (int j = 0; j < calls.size(); j++) {
            if (!placed[j] && j != i && calls.get(j).call().precedes(calls.get(i).call())) return false;
        }
        return true;
    }

    // ---- list-append ----

    @Test
    void listAppendNeverAccusesASerializableHistory() {
        int[] counts = new int[4]; // serializable, not; strict, not-strict caught
        int[] caught = new int[2];
        int seeds = Seeds.forEach("list-append cross-check", 800, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            History history = tinyAppendHistory(random);
            for (int strict = 0; strict < 2; strict++) {
                boolean serializable = serializable(history, strict == 1);
                ListAppendChecker.Result result = ListAppendChecker.check(history, strict == 1
                        ? ListAppendChecker.Options.strictSerializable() : ListAppendChecker.Options.serializable());
                if (serializable) {
                    assertTrue(result.isValid(), () -> "a serial order exists, yet: " + result + "\n" + history.toText());
                    counts[2 * strict]++;
                } else {
                    counts[2 * strict + 1]++;
                    if (!result.isValid()) caught[strict]++;
                }
            }
        });
        System.out.printf("list-append cross-check: serializable %d, not %d (caught %d); strict %d, not %d (caught %d)%n",
                counts[0], counts[1], caught[0], counts[2], counts[3], caught[1]);
        if (seeds >= 100) {
            assertTrue(counts[0] > seeds / 5 && counts[1] > seeds / 10, "the generator should make both kinds");
            assertTrue(caught[0] > counts[1] * 3 / 5, "caught too few non-serializable histories: " + caught[0]
                    + " of " + counts[1]);
            assertTrue(caught[1] > counts[3] * 3 / 5, "caught too few non-strict histories: " + caught[1]
                    + " of " + counts[3]);
        }
    }

    /**
     * A few overlapping transactions on two keys. Their results come from running them one at a
     * time in a random order that need not respect real time, with a read now and then corrupted
     * and a failed transaction's appends now and then applied anyway.
     */
    private static History tinyAppendHistory(SplittableRandom random) {
        int processes = 2 + random.nextInt(2);
        int txns = 2 + random.nextInt(4);
        long element = 1;
        List<List<Object>> invocations = new ArrayList<>();
        for (int t = 0; t < txns; t++) {
            List<Object> mops = new ArrayList<>();
            int size = 1 + random.nextInt(3);
            for (int m = 0; m < size; m++) {
                Object key = random.nextBoolean() ? "x" : "y";
                mops.add(random.nextBoolean() ? TestHistory.append(key, element++) : TestHistory.read(key, null));
            }
            invocations.add(mops);
        }
        Op.Type[] outcome = new Op.Type[txns];
        for (int t = 0; t < txns; t++) {
            int roll = random.nextInt(10);
            outcome[t] = roll == 0 ? Op.Type.FAIL : roll == 1 ? Op.Type.INFO : Op.Type.OK;
        }
        // Run in a random serial order.
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < txns; t++) order.add(t);
        for (int i = txns - 1; i > 0; i--) java.util.Collections.swap(order, i, random.nextInt(i + 1));
        Map<Object, List<Object>> store = new HashMap<>();
        List<List<Object>> results = new ArrayList<>(java.util.Collections.nCopies(txns, null));
        for (int t : order) {
            boolean applies = outcome[t] != Op.Type.FAIL || random.nextInt(5) == 0;
            Map<Object, List<Object>> view = applies ? store : copy(store);
            List<Object> done = new ArrayList<>();
            for (Object o : invocations.get(t)) {
                List<?> mop = (List<?>) o;
                List<Object> list = view.computeIfAbsent(mop.get(1), k -> new ArrayList<>());
                if (mop.get(0).equals(":append")) {
                    list.add(mop.get(2));
                    done.add(mop);
                } else {
                    done.add(TestHistory.read(mop.get(1), corrupt(random, List.copyOf(list))));
                }
            }
            results.set(t, done);
        }
        // Issue them from a few processes with random overlaps.
        TestHistory h = new TestHistory();
        int[] running = new int[processes];
        Arrays.fill(running, -1);
        int next = 0;
        int busy = 0;
        while (next < txns || busy > 0) {
            int p = random.nextInt(processes);
            if (running[p] < 0) {
                if (next == txns) continue;
                h.invoke(p, "txn", invocations.get(next));
                running[p] = next++;
                busy++;
                continue;
            }
            int t = running[p];
            switch (outcome[t]) {
                case OK -> h.ok(p, results.get(t));
                case FAIL -> h.fail(p);
                default -> h.info(p);
            }
            running[p] = -1;
            busy--;
        }
        return h.build();
    }

    private static List<Object> corrupt(SplittableRandom random, List<Object> read) {
        if (random.nextInt(4) != 0) return read;
        List<Object> wrong = new ArrayList<>(read);
        if (!wrong.isEmpty() && random.nextBoolean()) wrong.remove(random.nextInt(wrong.size()));
        else if (wrong.size() > 1) java.util.Collections.swap(wrong, 0, wrong.size() - 1);
        return wrong;
    }

    private static Map<Object, List<Object>> copy(Map<Object, List<Object>> store) {
        Map<Object, List<Object>> copy = new HashMap<>();
        store.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }

    /** Whether some serial order of the OK transactions, and any subset of the INFO ones, explains every read. */
    private static boolean serializable(History history, boolean realtime) {
        List<History.Call> txns = new ArrayList<>();
        for (History.Call call : history.calls()) {
            if (call.type() != Op.Type.FAIL) txns.add(call);
        }
        int required = (int) txns.stream().filter(c -> c.type() == Op.Type.OK).count();
        return runSerially(txns, new boolean[txns.size()], new HashMap<>(), required, realtime);
    }

    private static boolean runSerially(List<History.Call> txns, boolean[] done, Map<Object, List<Object>> store,
                                       int requiredLeft, boolean realtime) {
        if (requiredLeft == 0) return true;
        for (int i = 0; i < txns.size(); i++) {
            if (done[i] || (realtime && !readyInRealTime(txns, done, i))) continue;
            History.Call txn = txns.get(i);
            Map<Object, List<Object>> after = copy(store);
            if (!apply(txn, after)) continue;
            done[i] = true;
            boolean found = runSerially(txns, done, after, requiredLeft - (txn.type() == Op.Type.OK ? 1 : 0), realtime);
            done[i] = false;
            if (found) return true;
        }
        return false;
    }

    private static boolean readyInRealTime(List<History.Call> txns, boolean[] done, int i) {
        for (int j = 0; j < txns.size(); j++) {
            if (!done[j] && j != i && txns.get(j).type() == Op.Type.OK && txns.get(j).precedes(txns.get(i))) return false;
        }
        return true;
    }

    /** Runs one transaction on {@code store}; false if one of its (known) reads disagrees. */
    private static boolean apply(History.Call txn, Map<Object, List<Object>> store) {
        boolean known = txn.type() == Op.Type.OK;
        for (Object o : (List<?>) (known ? txn.output() : txn.input())) {
            List<?> mop = (List<?>) o;
            List<Object> list = store.computeIfAbsent(mop.get(1), k -> new ArrayList<>());
            if (mop.get(0).equals(":append")) list.add(mop.get(2));
            else if (known && !list.equals(mop.get(2))) return false;
        }
        return true;
    }
}
