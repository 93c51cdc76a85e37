package io.conclave.tests.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks that a history of keyed operations is linearizable against a {@link Model}, key by key.
 *
 * <p>Each operation's value is a tuple {@code [key payload]} (Jepsen's "independent" keys): a
 * write of 3 to key "x" is invoked with {@code ["x" 3]}; a read of "x" is invoked with
 * {@code ["x" nil]} and completes OK with {@code ["x" 3]}. Linearizability is compositional
 * (Herlihy and Wing's locality), so each key's sub-history is checked alone: that turns one search
 * exponential in the whole history into many small ones.
 *
 * <p>The search is Wing and Gong's, with Lowe's just-in-time linearization and Porcupine's
 * memoization; see {@code LinearizationSearch}. FAIL operations are dropped (they did not take
 * effect); INFO operations may take effect at any point after their invocation, or never.
 *
 * <p>The search is exponential in the worst case, so it is bounded: a number of model steps per
 * key and a wall-clock time for the whole check. When a bound is hit the verdict is
 * {@link Verdict#UNKNOWN} with the reason, never a hang and never a guess.
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {}

    public enum Verdict { VALID, INVALID, UNKNOWN }

    /**
     * How much search a check may spend.
     *
     * @param maxStepsPerKey model steps explored per key before the key is UNKNOWN
     * @param maxMemoBytes estimated memory of one key's memo table before the key is UNKNOWN. Each
     *     entry holds a bit set over the key's calls, so a long single-key history fills the heap
     *     long before it runs out of steps; this keeps a test's JVM alive to report UNKNOWN.
     * @param maxTimeNanos wall-clock time for the whole check, measured on {@code nanoClock}
     * @param nanoClock the clock the time limit is measured on (injected so that tests can run a
     *     clock that leaps)
     */
    public record Budget(long maxStepsPerKey, long maxMemoBytes, long maxTimeNanos, LongSupplier nanoClock) {
        /** 256 MiB: well inside a test JVM's default heap on the machines Conclave's tests run on. */
        public static final long DEFAULT_MAX_MEMO_BYTES = 256L << 20;

        public Budget {
            Checks.check(maxStepsPerKey > 0, "maxStepsPerKey must be > 0, got %d", maxStepsPerKey);
            Checks.check(maxMemoBytes > 0, "maxMemoBytes must be > 0, got %d", maxMemoBytes);
            Checks.check(maxTimeNanos > 0, "maxTimeNanos must be > 0, got %d", maxTimeNanos);
            Checks.check(nanoClock != null, "a budget needs a clock");
        }

        /** A budget of steps per key and of real time, measured with {@code System.nanoTime}. */
        public static Budget of(long maxStepsPerKey, Duration maxTime) {
            return new Budget(maxStepsPerKey, DEFAULT_MAX_MEMO_BYTES, maxTime.toNanos(), System::nanoTime);
        }

        /** A budget of steps only: fully deterministic, for tests. */
        public static Budget steps(long maxStepsPerKey) {
            return new Budget(maxStepsPerKey, DEFAULT_MAX_MEMO_BYTES, Long.MAX_VALUE, () -> 0L);
        }
    }

    /**
     * The outcome of a check.
     *
     * @param verdict VALID, INVALID or UNKNOWN
     * @param key the key found not linearizable (INVALID) or not decided (UNKNOWN); null if VALID
     * @param reason one sentence for a human
     * @param longestPrefix for INVALID: the longest sequence of the key's calls found that the model
     *     accepts in a real-time-respecting order
     * @param stateAfterPrefix the model's state after {@code longestPrefix}
     * @param unplaceable for INVALID: the call that had to come next (it completed before anything
     *     else could be placed) but that the model refuses in that state
     * @param keysChecked keys decided VALID (plus the one reported)
     * @param stepsExplored model steps over all keys
     */
    public record Result(Verdict verdict, Object key, String reason, List<History.Call> longestPrefix,
                         Object stateAfterPrefix, History.Call unplaceable, int keysChecked, long stepsExplored) {
        public Result {
            longestPrefix = List.copyOf(longestPrefix);
        }

        public boolean isValid() {
            return verdict == Verdict.VALID;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            out.append(verdict);
            if (key != null) out.append(" on key ").append(Values.format(key));
            out.append(": ").append(reason)
                    .append(" (").append(keysChecked).append(" keys, ").append(stepsExplored).append(" steps)");
            if (verdict == Verdict.INVALID) {
                out.append("\n  longest linearizable prefix (").append(longestPrefix.size()).append(" calls):");
                for (History.Call call : longestPrefix) out.append("\n    ").append(call);
                out.append("\n  model state after it: ").append(stateAfterPrefix);
                out.append("\n  could not place: ").append(unplaceable);
            }
            return out.toString();
        }
    }

    private static <S> List<LinearizationSearch.KeyedCall> withoutOmittable(
            Model<S> model, List<LinearizationSearch.KeyedCall> calls) {
        var omittable = model.omittable(calls.stream().map(LinearizationSearch.KeyedCall::action).toList());
        List<LinearizationSearch.KeyedCall> kept = new ArrayList<>(calls.size());
        for (LinearizationSearch.KeyedCall call : calls) {
            if (call.required() || !omittable.test(call.action())) kept.add(call);
        }
        return kept;
    }

    /** Checks {@code history}'s calls against {@code model}, each key on its own, within {@code budget}. */
    public static <S> Result check(History history, Model<S> model, Budget budget) {
        Map<Object, List<LinearizationSearch.KeyedCall>> byKey = new LinkedHashMap<>();
        for (History.Call call : history.calls()) {
            if (call.type() == Op.Type.FAIL) continue;
            LinearizationSearch.KeyedCall keyed = LinearizationSearch.KeyedCall.of(call);
            if (!model.constrains(keyed.action())) continue;
            byKey.computeIfAbsent(keyed.key(), k -> new ArrayList<>()).add(keyed);
        }
        long startNanos = budget.nanoClock().getAsLong();
        long steps = 0;
        int keysChecked = 0;
        Result undecided = null;
        for (Map.Entry<Object, List<LinearizationSearch.KeyedCall>> entry : byKey.entrySet()) {
            List<LinearizationSearch.KeyedCall> calls = withoutOmittable(model, entry.getValue());
            LinearizationSearch<S> search = new LinearizationSearch<>(model, calls, budget, startNanos);
            LinearizationSearch.Outcome<S> outcome = search.run();
            steps += outcome.steps();
            keysChecked++;
            if (outcome.verdict() == Verdict.INVALID) {
                return new Result(Verdict.INVALID, entry.getKey(),
                        "no linearization of the key's " + calls.size() + " calls",
                        outcome.longestPrefix(), outcome.stateAfterPrefix(), outcome.unplaceable(),
                        keysChecked, steps);
            }
            if (outcome.verdict() == Verdict.UNKNOWN) {
                // A key out of steps says nothing about the others, which may still be INVALID;
                // out of time, there is nothing left to search with.
                if (undecided == null) {
                    undecided = new Result(Verdict.UNKNOWN, entry.getKey(), outcome.reason(), List.of(), null, null,
                            keysChecked, steps);
                }
                if (outcome.outOfTime()) break;
            }
        }
        if (undecided != null) {
            return new Result(Verdict.UNKNOWN, undecided.key(), undecided.reason(), List.of(), null, null,
                    keysChecked, steps);
        }
        return new Result(Verdict.VALID, null, "every key linearizable", List.of(), null, null, keysChecked, steps);
    }
}
