package io.conclave.tests.check;

/**
 * One event of a history: a process invoking an operation, or that operation completing.
 *
 * <p>An operation is two events, as in Jepsen: an {@link Type#INVOKE} and, later, the matching
 * {@link Type#OK}, {@link Type#FAIL} or {@link Type#INFO} of the same process and function. The
 * event's {@code index} is its position in the history, which is the real-time order: the harness
 * records an invocation before the request leaves and a completion after the answer arrived, so
 * when one operation's completion index is below another's invocation index, the first really
 * finished before the second began. {@code timeNanos} is the harness's clock at recording time,
 * kept for humans and for latency plots; checkers order by {@code index}.
 *
 * @param index position in the history, from 0
 * @param process the client (thread or connection) that issued the operation
 * @param type what this event says
 * @param f the operation's function: "read", "write", "cas", "txn", "transfer", "add", ...
 * @param value for an invocation its argument; for an OK its result; for FAIL and INFO usually the
 *     invocation's argument again. Normalized (see {@code Values}): integers are {@code Long},
 *     collections immutable.
 * @param error why a FAIL or INFO happened (free text), or null
 * @param timeNanos the harness's clock when the event was recorded
 */
public record Op(long index, int process, Type type, String f, Object value, String error, long timeNanos) {

    /** What an event says about its operation. */
    public enum Type {
        /** The process issued the operation; its outcome follows in a later event. */
        INVOKE,
        /** The operation took effect, and {@code value} is its result. */
        OK,
        /** The operation certainly did not take effect (the system said so before doing anything). */
        FAIL,
        /** The outcome is unknown (timeout, lost connection, crash): it may have taken effect, at any
         *  time after its invocation, or never. */
        INFO;

        boolean isCompletion() {
            return this != INVOKE;
        }
    }

    public Op {
        Checks.check(index >= 0, "an op's index must be >= 0, got %d", index);
        Checks.check(process >= 0, "an op's process must be >= 0, got %d", process);
        Checks.check(type != null, "an op needs a type (index %d)", index);
        Checks.check(isWord(f),
                "an op's function must be a word like \"read\" or \"txn\", got %s (index %d)", f, index);
        value = Values.normalize(value);
    }

    /** A function name must survive the text form as a bare keyword: a letter, then letters, digits, '_' or '-'. */
    private static boolean isWord(String f) {
        if (f == null || f.isEmpty() || !Character.isLetter(f.charAt(0))) return false;
        for (int i = 1; i < f.length(); i++) {
            char c = f.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_' && c != '-') return false;
        }
        return true;
    }

    /** The op in the history file's form: one EDN-like map. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("{:index ").append(index)
                .append(", :process ").append(process)
                .append(", :type :").append(type.name().toLowerCase(java.util.Locale.ROOT))
                .append(", :f :").append(f)
                .append(", :value ");
        Values.format(value, out);
        if (error != null) {
            out.append(", :error ");
            Values.format(error, out);
        }
        out.append(", :time ").append(timeNanos).append('}');
        return out.toString();
    }
}
