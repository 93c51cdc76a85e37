package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
        final KeyedCall call; // null for the list head
        final boolean isCall;
        final long order;
        /** Position among the required (OK) calls, or among the INFO calls. */
        final int ordinal;
        Entry match;
        Entry prev;
        Entry next;

        Entry(KeyedCall call, boolean isCall, long order, int ordinal) {
            this.call = call;
            this.isCall = isCall;
            this.order = order;
            this.ordinal = ordinal;
        }

        boolean required() {
            return call.required();
        }
    }

    /**
     * One linearized call, on a persistent stack: a frame never changes, so keeping the top frame
     * of the deepest point reached keeps that whole linearization, at no cost.
     */
    private record Frame<S>(Entry call, S stateBefore, Frame<S> parent) {}

    /**
     * A memo entry: the set of linearized calls and the model state. The required calls below
     * {@code frontier} (the first required call not linearized) are all linearized, so only the
     * bits from the frontier on are kept; beyond it lie only calls invoked before the frontier
     * call returned, a window as wide as the concurrency. INFO calls, whose window never closes,
     * are kept whole in their own, smaller set. On a long history this makes an entry a few
     * words instead of one bit per call.
     */
    private static final class Memo {
        final int frontier;
        final long[] requiredFromFrontier;
        final long[] info;
        final Object state;
        final int hash;

        Memo(BitSet required, BitSet info, Object state) {
            this.frontier = required.nextClearBit(0);
            this.requiredFromFrontier = required.get(frontier, Math.max(frontier, required.length())).toLongArray();
            this.info = info.toLongArray();
            this.state = state;
            this.hash = 31 * (31 * (31 * frontier + Arrays.hashCode(requiredFromFrontier)) + Arrays.hashCode(this.info))
                    + state.hashCode();
        }

        long bytes() {
            return 96 + 8L * (requiredFromFrontier.length + info.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && m.hash == hash && m.frontier == frontier
                    && Arrays.equals(m.requiredFromFrontier, requiredFromFrontier) && Arrays.equals(m.info, info)
                    && m.state.equals(state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Model<S> model;
    private final List<KeyedCall> calls;
    private final LinearizabilityChecker.Budget budget;
    private final long startNanos;
    private final Entry head = new Entry(null, false, -1, -1);

    LinearizationSearch(Model<S> model, List<KeyedCall> calls, LinearizabilityChecker.Budget budget, long startNanos) {
        this.model = model;
        this.calls = calls;
        this.budget = budget;
        this.startNanos = startNanos;
    }

    Outcome<S> run() {
        int required = buildList();
        Frame<S> top = null;
        int depth = 0;
        BitSet requiredDone = new BitSet(required);
        BitSet infoDone = new BitSet(calls.size() - required);
        Set<Memo> memo = new HashSet<>();
        long memoBytes = 0;
        S state = model.initial();
        long steps = 0;
        int bestDepth = -1;
        Frame<S> bestTop = null;
        S bestState = state;
        History.Call bestBlocked = null;

        Entry entry = head.next;
        int requiredLinearized = 0;
        while (requiredLinearized < required) {
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
                    BitSet done = entry.required() ? requiredDone : infoDone;
                    done.set(entry.ordinal);
                    Memo key = new Memo(requiredDone, infoDone, next.get());
                    if (memo.add(key)) {
                        memoBytes += key.bytes();
                        if (memoBytes > budget.maxMemoBytes()) {
                            return unknown("memo table exceeded " + (budget.maxMemoBytes() >> 20) + " MiB ("
                                    + memo.size() + " entries over " + calls.size() + " calls)", false, steps);
                        }
                        top = new Frame<>(entry, state, top);
                        depth++;
                        if (entry.required()) requiredLinearized++;
                        state = next.get();
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                    done.clear(entry.ordinal);
                }
                entry = entry.next;
            } else {
                // A completed call is not linearized and no call before its return can go next.
                if (depth > bestDepth) {
                    bestDepth = depth;
                    bestTop = top;
                    bestState = state;
                    bestBlocked = entry.call.call();
                }
                if (top == null) {
                    return new Outcome<>(LinearizabilityChecker.Verdict.INVALID, "no linearization", false, steps,
                            prefixOf(bestTop), bestState, bestBlocked);
                }
                Entry undone = top.call();
                state = top.stateBefore();
                top = top.parent();
                depth--;
                (undone.required() ? requiredDone : infoDone).clear(undone.ordinal);
                if (undone.required()) requiredLinearized--;
                unlift(undone);
                entry = undone.next;
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
        int info = 0;
        for (KeyedCall call : calls) {
            int ordinal = call.required() ? required++ : info++;
            Entry invoke = new Entry(call, true, call.call().invokeIndex(), ordinal);
            // An INFO call's return goes after everything: it may take effect at any later time.
            long returnOrder = call.required() ? call.call().completeIndex() : Long.MAX_VALUE;
            Entry ret = new Entry(call, false, returnOrder, ordinal);
            invoke.match = ret;
            ret.match = invoke;
            entries.add(invoke);
            entries.add(ret);
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

    private static <S> List<History.Call> prefixOf(Frame<S> top) {
        List<History.Call> prefix = new ArrayList<>();
        for (Frame<S> f = top; f != null; f = f.parent()) prefix.add(f.call().call.call());
        java.util.Collections.reverse(prefix); // the bottom of the stack is the first linearized
        return prefix;
    }
}
