package io.conclave.tests.check;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A sequential specification: what a single copy of the object would do, one operation at a time.
 * The linearizability checker asks whether the concurrent history could have come from it.
 *
 * <p>States must be immutable and have value equality ({@code equals}/{@code hashCode}): the
 * checker memoizes (set of linearized operations, state) pairs, and two equal states reached by
 * different orders are explored once. Implementations must be pure and deterministic.
 *
 * @param <S> the state type; never null
 */
public interface Model<S> {

    /** The state before any operation. */
    S initial();

    /**
     * The state after {@code action} in {@code state}, or empty if the action could not have
     * happened there (a read that returned something else, a CAS whose expected value differs).
     */
    Optional<S> step(S state, Action action);

    /**
     * False if the action constrains nothing (a read whose result is unknown): the checker then
     * leaves it out, which keeps the search small. True by default.
     */
    default boolean constrains(Action action) {
        return true;
    }

    /**
     * Given all of one key's actions, which INFO actions the search may leave out because leaving
     * them out loses no linearization (for a register: a timed-out write whose value no read and
     * no CAS ever observed; if it took effect, it was overwritten unseen). Each INFO action left
     * in doubles the search in the worst case, so this is what keeps histories from a faulty
     * cluster, full of timeouts, checkable. None by default.
     */
    default Predicate<Action> omittable(List<Action> keyActions) {
        return action -> false;
    }

    /**
     * One operation as the model sees it, the key already stripped.
     *
     * @param f the function ("read", "write", "cas", ...)
     * @param argument what was asked
     * @param result what was answered; meaningful only if {@code resultKnown}
     * @param resultKnown false for an INFO operation, which may take effect but whose result was lost
     */
    record Action(String f, Object argument, Object result, boolean resultKnown) {}
}
