package io.conclave.tests.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable history: the events of a test in real-time order, and the operations they pair
 * into.
 *
 * <p>Construction checks the history is well formed: indexes strictly increase, each process
 * alternates an invocation and its completion (a process never has two operations outstanding),
 * and a completion names the function of the invocation it completes. An invocation with no
 * completion (the test ended, or the client crashed, before an answer) becomes a {@link Call}
 * whose outcome is {@link Op.Type#INFO}: it may have taken effect or not.
 *
 * <p>{@link #write(Path)} leaves a history in a text file, one op per line, for a human reading a
 * failure; {@link #read(Path)} and {@link #parse(String)} read it back. Blank lines and lines
 * starting with {@code ;} are ignored, and a line may omit {@code :index} (the next index is
 * used) and {@code :time} (the index is used), so tests can keep hand-written histories short.
 */
public final class History {
    /** Longest history a file may hold; a checker would not finish on more anyway. */
    static final int MAX_OPS = 10_000_000;

    private final List<Op> ops;
    private final List<Call> calls;

    private History(List<Op> ops) {
        this.ops = List.copyOf(ops);
        this.calls = Collections.unmodifiableList(pair(this.ops));
    }

    /** A history of these events, which must be well formed (see the class comment). */
    public static History of(List<Op> ops) {
        Checks.check(ops.size() <= MAX_OPS, "a history holds at most %d ops, got %d", MAX_OPS, ops.size());
        return new History(ops);
    }

    /** The events, in real-time order. */
    public List<Op> ops() {
        return ops;
    }

    /** The operations, in order of invocation. */
    public List<Call> calls() {
        return calls;
    }

    /**
     * One operation: its invocation and its completion (null if it never completed, which counts
     * as INFO).
     */
    public record Call(Op invocation, Op completion) {
        public Call {
            Checks.check(invocation != null && invocation.type() == Op.Type.INVOKE, "a call starts with an invocation");
            Checks.check(completion == null || (completion.type().isCompletion()
                    && completion.process() == invocation.process() && completion.f().equals(invocation.f())
                    && completion.index() > invocation.index()),
                    "%s does not complete %s", completion, invocation);
        }

        /** OK, FAIL or INFO (INFO also when the call never completed). */
        public Op.Type type() {
            return completion == null ? Op.Type.INFO : completion.type();
        }

        public int process() {
            return invocation.process();
        }

        public String f() {
            return invocation.f();
        }

        /** The invocation's argument. */
        public Object input() {
            return invocation.value();
        }

        /** The result of an OK call; null for FAIL and INFO, whose result is unknown. */
        public Object output() {
            return type() == Op.Type.OK ? completion.value() : null;
        }

        public long invokeIndex() {
            return invocation.index();
        }

        /** The completion's index, or {@link Long#MAX_VALUE} when the call never completed. */
        public long completeIndex() {
            return completion == null ? Long.MAX_VALUE : completion.index();
        }

        /**
         * True if this call certainly happened before {@code other} was invoked (real-time order):
         * it completed OK or FAIL before. An INFO call precedes nothing, since it may take effect
         * at any time after its invocation, even after its (timed-out) completion was recorded.
         */
        public boolean precedes(Call other) {
            return type() != Op.Type.INFO && completeIndex() < other.invokeIndex();
        }

        /** A one-line summary: {@code p3 read ["x" nil] -> ok ["x" 4] @12..15}. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            out.append('p').append(process()).append(' ').append(f()).append(' ');
            Values.format(input(), out);
            out.append(" -> ").append(type().name().toLowerCase(Locale.ROOT));
            if (type() == Op.Type.OK) {
                out.append(' ');
                Values.format(output(), out);
            } else if (completion != null && completion.error() != null) {
                out.append(" (").append(completion.error()).append(')');
            }
            out.append(" @").append(invokeIndex()).append("..");
            out.append(completion == null ? "end" : Long.toString(completion.index()));
            return out.toString();
        }
    }

    private static List<Call> pair(List<Op> ops) {
        List<Call> calls = new ArrayList<>();
        Map<Integer, Integer> outstanding = new HashMap<>(); // process -> position in calls
        long previousIndex = -1;
        for (Op op : ops) {
            Checks.check(op.index() > previousIndex, "history indexes must increase: %d after %d", op.index(), previousIndex);
            previousIndex = op.index();
            Integer open = outstanding.get(op.process());
            if (op.type() == Op.Type.INVOKE) {
                Checks.check(open == null, "process %d invoked %s while its earlier call %s was still outstanding",
                        op.process(), op, open == null ? null : calls.get(open).invocation());
                outstanding.put(op.process(), calls.size());
                calls.add(new Call(op, null));
            } else {
                Checks.check(open != null, "%s completes nothing: process %d has no outstanding call", op, op.process());
                Op invocation = calls.get(open).invocation();
                Checks.check(invocation.f().equals(op.f()), "%s completes a different function than %s", op, invocation);
                calls.set(open, new Call(invocation, op));
                outstanding.remove(op.process());
            }
        }
        return calls;
    }

    /** The history in its text form, one op per line. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        for (Op op : ops) out.append(op).append('\n');
        return out.toString();
    }

    /** Writes the text form to {@code file}, creating its directory. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toText(), StandardCharsets.UTF_8);
    }

    /** Reads a history written by {@link #write(Path)} (or by hand). */
    public static History read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses the text form. A malformed line is an error naming its line number. */
    public static History parse(String text) {
        List<Op> ops = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith(";")) continue;
            try {
                long defaultIndex = ops.isEmpty() ? 0 : ops.get(ops.size() - 1).index() + 1;
                ops.add(opFrom(Values.parse(line), defaultIndex));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("history line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return of(ops);
    }

    private static Op opFrom(Object parsed, long defaultIndex) {
        Checks.check(parsed instanceof Map<?, ?>, "an op line must be a map, got %s", Values.shown(parsed));
        Map<?, ?> map = (Map<?, ?>) parsed;
        for (Object key : map.keySet()) {
            Checks.check(List.of(":index", ":process", ":type", ":f", ":value", ":error", ":time").contains(key),
                    "unknown op field %s", Values.shown(key));
        }
        long index = map.containsKey(":index") ? longField(map, ":index") : defaultIndex;
        long time = map.containsKey(":time") ? longField(map, ":time") : index;
        Object process = map.get(":process");
        Checks.check(process instanceof Long p && p >= 0 && p <= Integer.MAX_VALUE, "an op needs a :process, got %s", process);
        String type = keywordField(map, ":type");
        Op.Type opType;
        try {
            opType = Op.Type.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown op :type " + type + " (invoke, ok, fail or info)");
        }
        Object error = map.get(":error");
        Checks.check(error == null || error instanceof String, ":error must be a string, got %s", error);
        return new Op(index, ((Long) process).intValue(), opType, keywordField(map, ":f"), map.get(":value"),
                (String) error, time);
    }

    private static long longField(Map<?, ?> map, String field) {
        Object value = map.get(field);
        Checks.check(value instanceof Long, "%s must be an integer, got %s", field, Values.shown(value));
        return (Long) value;
    }

    private static String keywordField(Map<?, ?> map, String field) {
        Object value = map.get(field);
        Checks.check(value instanceof String, "an op needs %s, got %s", field, Values.shown(value));
        String s = (String) value;
        return s.startsWith(":") ? s.substring(1) : s;
    }

    @Override
    public String toString() {
        return "History(" + ops.size() + " ops, " + calls.size() + " calls)";
    }
}
