package io.conclave.tests.check;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A read/write register, optionally with compare-and-set. The register starts as nil (never
 * written).
 *
 * <ul>
 *   <li>{@code write v}: the register becomes v.</li>
 *   <li>{@code read}: returns the current value; legal only if the result equals it.</li>
 *   <li>{@code cas [expected new]} (CAS model only): legal only if the current value equals
 *       {@code expected}; the register becomes {@code new}. A CAS the system refused because the
 *       value differed is recorded as FAIL and never reaches the model.</li>
 * </ul>
 */
public final class RegisterModel implements Model<RegisterModel.Cell> {
    private final boolean allowCas;

    private RegisterModel(boolean allowCas) {
        this.allowCas = allowCas;
    }

    /** A register with read and write. */
    public static RegisterModel register() {
        return new RegisterModel(false);
    }

    /** A register with read, write and compare-and-set. */
    public static RegisterModel casRegister() {
        return new RegisterModel(true);
    }

    /** The register's value; a record because the model's states need value equality, and null is the unwritten value. */
    public record Cell(Object value) {
        @Override
        public String toString() {
            return Values.format(value);
        }
    }

    @Override
    public Cell initial() {
        return new Cell(null);
    }

    @Override
    public Optional<Cell> step(Cell state, Action action) {
        switch (action.f()) {
            case "write":
                return Optional.of(new Cell(action.argument()));
            case "read":
                if (!action.resultKnown()) return Optional.of(state);
                return Objects.equals(state.value(), action.result()) ? Optional.of(state) : Optional.empty();
            case "cas":
                if (!allowCas) break;
                Checks.check(action.argument() instanceof List<?> l && l.size() == 2,
                        "a cas argument is [expected new], got %s", Values.shown(action.argument()));
                List<?> expectedAndNew = (List<?>) action.argument();
                return Objects.equals(state.value(), expectedAndNew.get(0))
                        ? Optional.of(new Cell(expectedAndNew.get(1)))
                        : Optional.empty();
            default:
                break;
        }
        throw new IllegalArgumentException("a " + (allowCas ? "cas-register" : "register") + " has no operation "
                + action.f() + (allowCas ? " (read, write, cas)" : " (read, write)"));
    }

    /**
     * An INFO write or CAS whose new value nothing observes (no read returned it, no CAS expected
     * it) may be left out: in any linearization that includes it, the next operation to look at
     * the register must be a write (a read or CAS would have observed the value), so removing it
     * changes no other operation's outcome.
     */
    @Override
    public Predicate<Action> omittable(List<Action> keyActions) {
        Set<Object> observed = new HashSet<>();
        for (Action action : keyActions) {
            if (action.f().equals("read") && action.resultKnown()) observed.add(action.result());
            if (action.f().equals("cas") && action.argument() instanceof List<?> l && l.size() == 2) observed.add(l.get(0));
        }
        return action -> !action.resultKnown()
                && (action.f().equals("write") || action.f().equals("cas"))
                && !observed.contains(newValue(action));
    }

    private static Object newValue(Action action) {
        return action.f().equals("write") ? action.argument()
                : action.argument() instanceof List<?> l && l.size() == 2 ? l.get(1) : action.argument();
    }

    @Override
    public boolean constrains(Action action) {
        return !(action.f().equals("read") && !action.resultKnown());
    }

    @Override
    public String toString() {
        return allowCas ? "cas-register" : "register";
    }
}
