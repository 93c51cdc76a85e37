package io.conclave.tests.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The search for a linearization of one key's calls (Wing and Gong, with Lowe's refinements, as
 * Porcupine implements it).
 *
 * <p>The calls become a doubly linked list of call and return entries in real-time order. The
 * search walks the list from the front: at a call entry it tries to linearize that call next (the
 * model must accept it); if it can, the call and its return are unlinked ("lifted") and the walk
 * restarts from the front; otherwise it moves on. Reaching a return entry means a call that has
 * already completed has not been linearized, and nothing before it works: the search backtracks
 * (re-links the last lifted call and tries the entry after it). Every (set of linearized calls,
 * model state) pair reached is remembered, and a pair seen before is not explored again: the
 * rest of the search depends only on that pair.
 *
 * <p>INFO calls have their return entry after every other, so they can be linearized anywhere
 * after their invocation; and the search succeeds as soon as every OK call is linearized, so an
 * INFO call may also never take effect.
 */
final class LinearizationSearch<S> {
    /** How often, in steps, the search reads the clock. */
    private static final int CLOCK_EVERY_STEPS = 1024;

    /** One call with its key split off. */
    record KeyedCall(Object key, Model.Action action, History.Call call) {
        static KeyedCall of(History.Call call) {
            Object[] input = tuple(call, call.input(), "invocation");
            boolean known = call.type() == Op.Type.OK;
            Object result = null;
            if (known) {
                Object[] output = tuple(call, call.output(), "OK completion");
                Checks.check(java.util.Objects.equals(output[0], input[0]),
                        "call %s completed on key %s but was invoked on key %s",
                        call, Values.shown(output[0]), Values.shown(input[0]));
                result = output[1];
            }
            return new KeyedCall(input[0], new Model.Action(call.f(), input[1], result, known), call);
        }

        private static Object[] tuple(History.Call call, Object value, String which) {
            Checks.check(value instanceof List<?> list && list.size() == 2,
                    "a linearizability history holds [key value] tuples; the %s of %s has %s",
                    which, call, Values.shown(value));
            List<?> list = (List<?>) value;
            return new Object[] {list.get(0), list.get(1)};
        }

        boolean required() {
            return action.resultKnown();
        }
    }

    record Outcome<S>(LinearizabilityChecker.Verdict verdict, String reason, boolean outOfTime, long steps,
                      List<History.Call> longestPrefix, S stateAfterPrefix, History.Call unplaceable) {}

    private static final class Entry {
        final int id;
        final KeyedCall call; // null for the list head
        final boolean isCall;
        final long order;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, KeyedCall call, boolean isCall, long order) {
            this.id = id;
            this.call = call;
            this.isCall = isCall;
            this.order = order;
        }
    }

    private record Frame<S>(Entry call, S stateBefore) {}

    private record Memo(BitSet linearized, Object state) {}

    private final Model<S> model;
    private final List<KeyedCall> calls;
    private final LinearizabilityChecker.Budget budget;
    private final long startNanos;
    private final Entry head = new Entry(-1, null, false, -1);

    LinearizationSearch(Model<S> model, List<KeyedCall> calls, LinearizabilityChecker.Budget budget, long startNanos) {
        this.model = model;
        this.calls = calls;
        this.budget = budget;
        this.startNanos = startNanos;
    }

    Outcome<S> run() {
        int required = buildList();
        Deque<Frame<S>> stack = new ArrayDeque<>();
        BitSet linearized = new BitSet(calls.size());
        Set<Memo> memo = new HashSet<>();
        // Bit set words, the BitSet, the Memo, the hash node and a small state: a rough but safe estimate.
        long memoEntryBytes = 104 + 8L * ((calls.size() + 63) / 64);
        long maxMemoEntries = Math.max(1, budget.maxMemoBytes() / memoEntryBytes);
        S state = model.initial();
        int linearizedRequired = 0;
        long steps = 0;
        int bestDepth = -1;
        List<History.Call> bestPrefix = List.of();
        S bestState = state;
        History.Call bestBlocked = null;

        Entry entry = head.next;
        while (linearizedRequired < required) {
            if (entry == null) throw new IllegalStateException("linearization search ran off its list");
            if (entry.isCall) {
                steps++;
                if (steps > budget.maxStepsPerKey()) {
                    return unknown("search exceeded " + budget.maxStepsPerKey() + " steps on this key", false, steps);
                }
                if (steps % CLOCK_EVERY_STEPS == 0
                        && budget.nanoClock().getAsLong() - startNanos > budget.maxTimeNanos()) {
                    return unknown("search exceeded its time budget of " + budget.maxTimeNanos() / 1_000_000 + " ms",
                            true, steps);
                }
                Optional<S> next = model.step(state, entry.call.action());
                if (next.isPresent()) {
                    linearized.set(entry.id);
                    if (memo.add(new Memo((BitSet) linearized.clone(), next.get()))) {
                        if (memo.size() > maxMemoEntries) {
                            return unknown("memo table exceeded " + (budget.maxMemoBytes() >> 20) + " MiB ("
                                    + memo.size() + " entries over " + calls.size() + " calls)", false, steps);
                        }
                        stack.push(new Frame<>(entry, state));
                        state = next.get();
                        if (entry.call.required()) linearizedRequired++;
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                    linearized.clear(entry.id);
                }
                entry = entry.next;
            } else {
                // A completed call is not linearized and no call before its return can go next.
                if (stack.size() > bestDepth) {
                    bestDepth = stack.size();
                    bestPrefix = prefixOf(stack);
                    bestState = state;
                    bestBlocked = entry.call.call();
                }
                if (stack.isEmpty()) {
                    return new Outcome<>(LinearizabilityChecker.Verdict.INVALID, "no linearization", false, steps,
                            bestPrefix, bestState, bestBlocked);
                }
                Frame<S> top = stack.pop();
                state = top.stateBefore();
                linearized.clear(top.call().id);
                if (top.call().call.required()) linearizedRequired--;
                unlift(top.call());
                entry = top.call().next;
            }
        }
        return new Outcome<>(LinearizabilityChecker.Verdict.VALID, "linearizable", false, steps, List.of(), state, null);
    }

    private Outcome<S> unknown(String reason, boolean outOfTime, long steps) {
        return new Outcome<>(LinearizabilityChecker.Verdict.UNKNOWN, reason, outOfTime, steps, List.of(), null, null);
    }

    /** Links the entries in real-time order and returns how many calls must be linearized. */
    private int buildList() {
        List<Entry> entries = new ArrayList<>(2 * calls.size());
        int required = 0;
        for (int i = 0; i < calls.size(); i++) {
            KeyedCall call = calls.get(i);
            Entry invoke = new Entry(i, call, true, call.call().invokeIndex());
            // An INFO call's return goes after everything: it may take effect at any later time.
            long returnOrder = call.required() ? call.call().completeIndex() : Long.MAX_VALUE;
            Entry ret = new Entry(i, call, false, returnOrder);
            invoke.match = ret;
            ret.match = invoke;
            entries.add(invoke);
            entries.add(ret);
            if (call.required()) required++;
        }
        // Stable sort: INFO returns (all at MAX_VALUE) keep their relative order.
        entries.sort((a, b) -> Long.compare(a.order, b.order));
        Entry previous = head;
        for (Entry e : entries) {
            previous.next = e;
            e.prev = previous;
            previous = e;
        }
        previous.next = null;
        return required;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        if (call.next != null) call.next.prev = call.prev;
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) ret.next.prev = ret.prev;
    }

    /** Undoes {@link #lift}; correct because lifts are undone in reverse order (dancing links). */
    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) ret.next.prev = ret;
        call.prev.next = call;
        if (call.next != null) call.next.prev = call;
    }

    private static <S> List<History.Call> prefixOf(Deque<Frame<S>> stack) {
        List<History.Call> prefix = new ArrayList<>(stack.size());
        var it = stack.descendingIterator(); // bottom of the stack first: the linearization's order
        while (it.hasNext()) prefix.add(it.next().call().call.call());
        return prefix;
    }
}
