package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a list-append transactional history, in the manner of Elle (Kingsbury and Alvaro, 2020).
 *
 * <p>Each "txn" call's value is a list of micro-operations: {@code [:append k v]} appends the
 * unique element v to the list at key k; {@code [:r k nil]} reads it, and in the OK completion
 * becomes {@code [:r k [v1 v2 ...]]}. Because elements are unique and lists only grow, a read
 * reveals not just a value but the whole order of the appends before it: the longest read of a key
 * is a prefix of its version order, and every other read must be a prefix of it.
 *
 * <p>From that order it builds the dependency graph between transactions (OK ones, and INFO ones
 * whose appends some read observed): <b>ww</b> T1 appended an element and T2 the next one;
 * <b>wr</b> T2 read a list whose last element T1 appended; <b>rw</b> T1 read a list and T2 appended
 * the element after its end (an anti-dependency); and, with {@link Options#realtime()}, <b>rt</b>
 * T1 completed before T2 began. A cycle means no serial order explains the history; it is named by
 * its edges: G0 (ww only: dirty write), G1c (ww and wr: circular information flow), G-single
 * (exactly one rw: read skew, lost update), G2 (two or more rw: write skew), with a
 * "-realtime" suffix when the cycle needs rt edges (a violation of strict serializability only).
 *
 * <p>Anomalies found without cycles: <b>G1a</b> (a read saw an element appended by a FAILed
 * transaction), <b>G1b</b> (a read ended in an element that was not its writer's last append to
 * the key: an intermediate state), <b>internal</b> (a transaction's read disagrees with its own
 * earlier reads and appends, or already holds an append it makes only later),
 * <b>duplicate-elements</b>, <b>incompatible-order</b> (two reads of
 * a key neither of which is a prefix of the other; the key's edges are then left out), and
 * <b>unexpected-element</b> (a read saw an element no transaction appended).
 */
public final class ListAppendChecker {
    private ListAppendChecker() {}

    /**
     * @param realtime add real-time edges: check strict serializability, not just serializability
     * @param maxRwEdgesTried per cyclic component, how many rw edges are tried as the single rw edge
     *     of a G-single cycle before settling for a G2 report (bounds the search on huge components)
     * @param maxAnomaliesPerKind how many anomalies of one kind are kept in full; the rest are counted
     */
    public record Options(boolean realtime, int maxRwEdgesTried, int maxAnomaliesPerKind) {
        public Options {
            Checks.check(maxRwEdgesTried > 0, "maxRwEdgesTried must be > 0, got %d", maxRwEdgesTried);
            Checks.check(maxAnomaliesPerKind > 0, "maxAnomaliesPerKind must be > 0, got %d", maxAnomaliesPerKind);
        }

        /** Serializability: data dependencies only. */
        public static Options serializable() {
            return new Options(false, 1_000, 20);
        }

        /** Strict serializability: data dependencies and real-time order. */
        public static Options strictSerializable() {
            return new Options(true, 1_000, 20);
        }
    }

    /**
     * One anomaly.
     *
     * @param kind "G0", "G1c", "G-single", "G2" (each maybe "-realtime"), "G1a", "G1b", "internal",
     *     "duplicate-elements", "incompatible-order" or "unexpected-element"
     * @param txns the transactions involved; for a cycle in cycle order
     * @param explanation what was seen, naming transactions as {@code T<invocation index>}
     */
    public record Anomaly(String kind, List<History.Call> txns, String explanation) {
        public Anomaly {
            txns = List.copyOf(txns);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(kind).append(": ").append(explanation);
            for (History.Call txn : txns) out.append("\n      ").append(label(txn)).append(" = ").append(txn);
            return out.toString();
        }
    }

    /**
     * @param txnsChecked "txn" calls in the history
     * @param anomalies by kind, each list capped at {@link Options#maxAnomaliesPerKind()}
     * @param counts how many of each kind were found, capped or not
     */
    public record Result(int txnsChecked, Map<String, List<Anomaly>> anomalies, Map<String, Integer> counts) {
        public Result {
            TreeMap<String, List<Anomaly>> sorted = new TreeMap<>();
            anomalies.forEach((kind, list) -> sorted.put(kind, List.copyOf(list)));
            anomalies = Collections.unmodifiableMap(sorted);
            counts = Collections.unmodifiableMap(new TreeMap<>(counts));
        }

        public boolean isValid() {
            return counts.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(isValid() ? "VALID" : "INVALID")
                    .append(": ").append(txnsChecked).append(" txns");
            if (!isValid()) out.append(", anomalies ").append(counts);
            for (Map.Entry<String, List<Anomaly>> e : anomalies.entrySet()) {
                for (Anomaly anomaly : e.getValue()) out.append("\n  ").append(anomaly);
                int more = counts.get(e.getKey()) - e.getValue().size();
                if (more > 0) out.append("\n  ... and ").append(more).append(" more ").append(e.getKey());
            }
            return out.toString();
        }
    }

    static String label(History.Call txn) {
        return "T" + txn.invokeIndex();
    }

    /** Checks a list-append history; calls other than "txn" are ignored. */
    public static Result check(History history, Options options) {
        return new Run(history, options).run();
    }

    private record MicroOp(boolean append, Object key, Object value) {}

    private record Writer(Txn txn, boolean lastForKey) {}

    private static final class Txn {
        final int node;
        final History.Call call;
        final List<MicroOp> microOps;
        /** Per key, the list it read before its own appends (the state it observed from others). */
        final Map<Object, List<Object>> externalReads = new LinkedHashMap<>();
        boolean inGraph;

        Txn(int node, History.Call call, List<MicroOp> microOps) {
            this.node = node;
            this.call = call;
            this.microOps = microOps;
        }

        Op.Type type() {
            return call.type();
        }
    }

    private record Read(Txn txn, List<Object> list) {}

    /** One check's working state. */
    private static final class Run {
        private final History history;
        private final Options options;
        private final List<Txn> txns = new ArrayList<>();
        private final Map<Object, Map<Object, Writer>> writers = new HashMap<>();
        private final Map<Object, List<Read>> readsByKey = new LinkedHashMap<>();
        private final Map<String, List<Anomaly>> anomalies = new HashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();

        Run(History history, Options options) {
            this.history = history;
            this.options = options;
        }

        Result run() {
            for (History.Call call : history.calls()) {
                if (call.f().equals("txn")) txns.add(new Txn(txns.size(), call, microOpsOf(call)));
            }
            indexWriters();
            for (Txn txn : txns) {
                if (txn.type() == Op.Type.OK) checkReads(txn);
            }
            Map<Object, List<Object>> versionOrders = versionOrders();
            TxnGraph graph = buildGraph(versionOrders);
            findCycles(graph);
            return new Result(txns.size(), anomalies, counts);
        }

        private void report(String kind, List<Txn> involved, String explanation) {
            int count = counts.merge(kind, 1, Integer::sum);
            if (count <= options.maxAnomaliesPerKind()) {
                anomalies.computeIfAbsent(kind, k -> new ArrayList<>())
                        .add(new Anomaly(kind, involved.stream().map(t -> t.call).toList(), explanation));
            }
        }

        // ---- parsing ----

        private static List<MicroOp> microOpsOf(History.Call call) {
            List<MicroOp> input = parse(call, call.input(), false);
            if (call.type() != Op.Type.OK) return input;
            List<MicroOp> output = parse(call, call.output(), true);
            Checks.check(output.size() == input.size(), "txn %s completed with %d micro-ops for %d invoked",
                    call, output.size(), input.size());
            for (int i = 0; i < input.size(); i++) {
                MicroOp in = input.get(i);
                MicroOp done = output.get(i);
                Checks.check(in.append() == done.append() && Objects.equals(in.key(), done.key())
                                && (!in.append() || Objects.equals(in.value(), done.value())),
                        "txn %s: micro-op %d completed as something else than invoked", call, i);
            }
            return output;
        }

        private static List<MicroOp> parse(History.Call call, Object value, boolean completed) {
            Checks.check(value instanceof List<?>, "a txn's value is a list of micro-ops, got %s in %s",
                    Values.shown(value), call);
            List<MicroOp> ops = new ArrayList<>();
            for (Object element : (List<?>) value) {
                Checks.check(element instanceof List<?> l && l.size() == 3,
                        "a micro-op is [:append k v] or [:r k list], got %s in %s", Values.shown(element), call);
                List<?> mop = (List<?>) element;
                String f = String.valueOf(mop.get(0));
                if (f.equals(":append") || f.equals("append")) {
                    ops.add(new MicroOp(true, mop.get(1), mop.get(2)));
                } else if (f.equals(":r") || f.equals("r")) {
                    Object read = mop.get(2);
                    if (completed) {
                        // A key never written may come back as nil rather than [].
                        Checks.check(read == null || read instanceof List<?>,
                                "a completed read returns a list, got %s in %s", Values.shown(read), call);
                        read = read == null ? List.of() : read;
                    }
                    ops.add(new MicroOp(false, mop.get(1), read));
                } else {
                    throw new IllegalArgumentException("unknown micro-op " + Values.format(mop.get(0)) + " in " + call);
                }
            }
            return ops;
        }

        // ---- per-transaction checks ----

        private void indexWriters() {
            for (Txn txn : txns) {
                Map<Object, Object> lastAppend = new HashMap<>();
                for (MicroOp mop : txn.microOps) {
                    if (mop.append()) lastAppend.put(mop.key(), mop.value());
                }
                for (MicroOp mop : txn.microOps) {
                    if (!mop.append()) continue;
                    Map<Object, Writer> byElement = writers.computeIfAbsent(mop.key(), k -> new HashMap<>());
                    Writer previous = byElement.put(mop.value(),
                            new Writer(txn, Objects.equals(lastAppend.get(mop.key()), mop.value())));
                    Checks.check(previous == null, "appended elements must be unique per key: %s appended"
                                    + " to key %s by both %s and %s", Values.shown(mop.value()),
                            Values.shown(mop.key()), previous == null ? null : previous.txn().call, txn.call);
                }
            }
        }

        private void checkReads(Txn txn) {
            Map<Object, List<Object>> expected = new HashMap<>(); // what this txn must see next, if known
            Map<Object, List<Object>> ownAppends = new HashMap<>();
            for (MicroOp mop : txn.microOps) {
                Object key = mop.key();
                if (mop.append()) {
                    ownAppends.computeIfAbsent(key, k -> new ArrayList<>()).add(mop.value());
                    if (expected.containsKey(key)) expected.get(key).add(mop.value());
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<Object> read = (List<Object>) mop.value();
                List<Object> expectedRead = expected.put(key, new ArrayList<>(read));
                if (new HashSet<>(read).size() != read.size()) {
                    // Not a version of any list-append object: it says nothing about the order.
                    report("duplicate-elements", List.of(txn), label(txn.call) + " read key " + Values.format(key)
                            + " as " + Values.format(read) + ", which holds an element twice");
                    continue;
                }
                checkInternal(txn, key, read, expectedRead, ownAppends.getOrDefault(key, List.of()));
                readsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Read(txn, read));
                checkElements(txn, key, read);
            }
        }

        private void checkInternal(Txn txn, Object key, List<Object> read, List<Object> expected, List<Object> own) {
            String k = Values.format(key);
            if (expected != null) {
                if (!read.equals(expected)) {
                    report("internal", List.of(txn), label(txn.call) + " read key " + k + " as " + Values.format(read)
                            + " but its own earlier read and appends imply " + Values.format(expected));
                }
                return;
            }
            Map<Object, Writer> byElement = writers.getOrDefault(key, Map.of());
            for (Object element : read) {
                Writer writer = byElement.get(element);
                if (writer != null && writer.txn() == txn && !own.contains(element)) {
                    report("internal", List.of(txn), label(txn.call) + " read key " + k + " as " + Values.format(read)
                            + ", which holds " + Values.format(element) + " that it appends only later");
                    return;
                }
            }
            boolean endsWithOwn = read.size() >= own.size() && read.subList(read.size() - own.size(), read.size()).equals(own);
            if (!endsWithOwn) {
                report("internal", List.of(txn), label(txn.call) + " read key " + k + " as " + Values.format(read)
                        + " after appending " + Values.format(own) + " itself");
                return;
            }
            txn.externalReads.put(key, read.subList(0, read.size() - own.size()));
        }

        private void checkElements(Txn reader, Object key, List<Object> read) {
            Map<Object, Writer> byElement = writers.getOrDefault(key, Map.of());
            Set<Txn> abortedSeen = new LinkedHashSet<>();
            for (Object element : read) {
                Writer writer = byElement.get(element);
                if (writer == null) {
                    report("unexpected-element", List.of(reader), label(reader.call) + " read key "
                            + Values.format(key) + " as " + Values.format(read) + ", but no txn appended "
                            + Values.format(element));
                } else if (writer.txn().type() == Op.Type.FAIL && abortedSeen.add(writer.txn())) {
                    report("G1a", List.of(reader, writer.txn()), label(reader.call) + " read key "
                            + Values.format(key) + " as " + Values.format(read) + ", which holds "
                            + Values.format(element) + " appended by the failed " + label(writer.txn().call));
                }
            }
            if (read.isEmpty()) return;
            Object last = read.get(read.size() - 1);
            Writer writer = byElement.get(last);
            if (writer != null && writer.txn() != reader && writer.txn().type() != Op.Type.FAIL && !writer.lastForKey()) {
                report("G1b", List.of(reader, writer.txn()), label(reader.call) + " read key " + Values.format(key)
                        + " as " + Values.format(read) + ", ending in " + Values.format(last) + ", an intermediate"
                        + " append of " + label(writer.txn().call) + " which appended more to the key");
            }
        }

        // ---- version orders and the graph ----

        /** Per key, the longest read, if every read of the key is a prefix of it. */
        private Map<Object, List<Object>> versionOrders() {
            Map<Object, List<Object>> orders = new LinkedHashMap<>();
            for (Map.Entry<Object, List<Read>> e : readsByKey.entrySet()) {
                Read longest = e.getValue().get(0);
                for (Read read : e.getValue()) {
                    if (read.list().size() > longest.list().size()) longest = read;
                }
                boolean compatible = true;
                for (Read read : e.getValue()) {
                    if (!isPrefix(read.list(), longest.list())) {
                        compatible = false;
                        report("incompatible-order", List.of(read.txn(), longest.txn()), "key "
                                + Values.format(e.getKey()) + " read as " + Values.format(read.list()) + " by "
                                + label(read.txn().call) + ", which is not a prefix of "
                                + Values.format(longest.list()) + " read by " + label(longest.txn().call));
                    }
                }
                if (compatible) orders.put(e.getKey(), longest.list());
            }
            return orders;
        }

        private static boolean isPrefix(List<Object> prefix, List<Object> list) {
            return prefix.size() <= list.size() && list.subList(0, prefix.size()).equals(prefix);
        }

        private Txn writerOf(Object key, Object element) {
            Writer writer = writers.getOrDefault(key, Map.of()).get(element);
            return writer == null || !writer.txn().inGraph ? null : writer.txn();
        }

        private TxnGraph buildGraph(Map<Object, List<Object>> versionOrders) {
            for (Txn txn : txns) txn.inGraph = txn.type() == Op.Type.OK;
            for (Map.Entry<Object, List<Object>> e : versionOrders.entrySet()) {
                for (Object element : e.getValue()) {
                    Writer writer = writers.getOrDefault(e.getKey(), Map.of()).get(element);
                    if (writer != null && writer.txn().type() == Op.Type.INFO) writer.txn().inGraph = true;
                }
            }
            TxnGraph graph = new TxnGraph(txns.size());
            for (Map.Entry<Object, List<Object>> e : versionOrders.entrySet()) {
                Object key = e.getKey();
                List<Object> order = e.getValue();
                // Elements of failed txns or of nobody (reported above) are stepped over: the
                // order between the writers around them still holds.
                Txn previous = null;
                for (Object element : order) {
                    Txn writer = writerOf(key, element);
                    if (writer == null) continue;
                    if (previous != null && previous != writer) graph.add(previous.node, writer.node, TxnGraph.WW, key);
                    previous = writer;
                }
            }
            for (Txn reader : txns) {
                if (!reader.inGraph) continue;
                for (Map.Entry<Object, List<Object>> e : reader.externalReads.entrySet()) {
                    List<Object> order = versionOrders.get(e.getKey());
                    if (order == null) continue; // incompatible key: its order is unknown
                    List<Object> seen = e.getValue();
                    if (!seen.isEmpty()) {
                        Txn writer = writerOf(e.getKey(), seen.get(seen.size() - 1));
                        if (writer != null && writer != reader) graph.add(writer.node, reader.node, TxnGraph.WR, e.getKey());
                    }
                    Txn next = null;
                    for (int i = seen.size(); i < order.size() && next == null; i++) {
                        next = writerOf(e.getKey(), order.get(i));
                    }
                    if (next != null && next != reader) graph.add(reader.node, next.node, TxnGraph.RW, e.getKey());
                }
            }
            if (options.realtime()) addRealtimeEdges(graph);
            return graph;
        }

        /**
         * T1 -> T2 when T1 completed before T2 was invoked, transitively reduced as Elle does: on
         * each invocation, edges from the transactions completed since the last ones it follows;
         * on completion, it replaces those in the frontier. Keeps the edge count near linear.
         */
        private void addRealtimeEdges(TxnGraph graph) {
            Map<Long, Txn> byInvocation = new HashMap<>();
            Map<Long, Txn> byCompletion = new HashMap<>();
            for (Txn txn : txns) {
                if (!txn.inGraph) continue;
                byInvocation.put(txn.call.invokeIndex(), txn);
                if (txn.call.completion() != null && txn.type() == Op.Type.OK) {
                    byCompletion.put(txn.call.completeIndex(), txn);
                }
            }
            Set<Txn> frontier = new LinkedHashSet<>();
            Map<Txn, List<Txn>> predecessors = new HashMap<>();
            for (Op op : history.ops()) {
                Txn invoked = op.type() == Op.Type.INVOKE ? byInvocation.get(op.index()) : null;
                if (invoked != null) {
                    List<Txn> before = new ArrayList<>(frontier);
                    predecessors.put(invoked, before);
                    for (Txn t : before) graph.add(t.node, invoked.node, TxnGraph.RT, null);
                }
                Txn completed = op.type() == Op.Type.OK ? byCompletion.get(op.index()) : null;
                if (completed != null) {
                    predecessors.getOrDefault(completed, List.of()).forEach(frontier::remove);
                    frontier.add(completed);
                }
            }
        }

        // ---- cycles ----

        private void findCycles(TxnGraph graph) {
            BitSet nodes = new BitSet(txns.size());
            for (Txn txn : txns) if (txn.inGraph) nodes.set(txn.node);
            int all = options.realtime() ? TxnGraph.DATA | TxnGraph.RT : TxnGraph.DATA;
            for (BitSet component : graph.cyclicComponents(nodes, all)) {
                Cycle cycle = worstCycle(graph, component, 0);
                if (cycle == null && options.realtime()) cycle = worstCycle(graph, component, TxnGraph.RT);
                Checks.check(cycle != null, "a cyclic component without a cycle: %s", component);
                reportCycle(graph, cycle);
            }
        }

        /**
         * A cycle {@code [v0 v1 ... v0]}, found using edges of {@code mask}; if {@code firstHopRw},
         * its first hop is the single rw edge of a G-single search.
         */
        private record Cycle(List<Integer> nodes, int mask, boolean firstHopRw) {}

        /**
         * The cycle naming the worst anomaly in {@code component}, with {@code extra} edge types
         * allowed: a ww cycle before one that needs wr, before one with a single rw, before any.
         * One cycle is reported per component; a component may hold more, of other kinds.
         */
        private Cycle worstCycle(TxnGraph graph, BitSet component, int extra) {
            Cycle cycle = anyCycle(graph, component, TxnGraph.WW | extra);
            if (cycle == null) cycle = anyCycle(graph, component, TxnGraph.WW | TxnGraph.WR | extra);
            if (cycle == null) cycle = singleRwCycle(graph, component, TxnGraph.WW | TxnGraph.WR | extra);
            if (cycle == null) cycle = anyCycle(graph, component, TxnGraph.DATA | extra);
            return cycle;
        }

        private static Cycle anyCycle(TxnGraph graph, BitSet component, int mask) {
            List<BitSet> inner = graph.cyclicComponents(component, mask);
            if (inner.isEmpty()) return null;
            int start = inner.get(0).nextSetBit(0);
            return new Cycle(graph.shortestPath(start, start, inner.get(0), mask), mask, false);
        }

        /** A cycle of one rw edge closed by a path of {@code others} edges, trying a bounded number of rw edges. */
        private Cycle singleRwCycle(TxnGraph graph, BitSet component, int others) {
            int tried = 0;
            for (int a = component.nextSetBit(0); a >= 0; a = component.nextSetBit(a + 1)) {
                for (int b : graph.rwTargets(a, component)) {
                    if (tried++ >= options.maxRwEdgesTried()) return null;
                    List<Integer> back = graph.shortestPath(b, a, component, others);
                    if (back != null) {
                        List<Integer> cycle = new ArrayList<>();
                        cycle.add(a);
                        cycle.addAll(back);
                        return new Cycle(cycle, others, true);
                    }
                }
            }
            return null;
        }

        /** Names a cycle by the edges it uses and reports it. */
        private void reportCycle(TxnGraph graph, Cycle found) {
            List<Integer> cycle = found.nodes();
            int rw = 0;
            boolean wr = false;
            boolean rt = false;
            StringBuilder path = new StringBuilder(label(txns.get(cycle.get(0)).call));
            List<Txn> involved = new ArrayList<>();
            for (int i = 0; i + 1 < cycle.size(); i++) {
                int from = cycle.get(i);
                int to = cycle.get(i + 1);
                int type = i == 0 && found.firstHopRw() ? TxnGraph.RW : graph.label(from, to, found.mask());
                if (type == TxnGraph.RW) rw++;
                if (type == TxnGraph.WR) wr = true;
                if (type == TxnGraph.RT) rt = true;
                path.append(" -").append(name(type));
                if (type != TxnGraph.RT) path.append(' ').append(Values.format(graph.key(from, to, type)));
                path.append("-> ").append(label(txns.get(to).call));
                involved.add(txns.get(from));
            }
            String kind = (rw == 0 ? (wr ? "G1c" : "G0") : rw == 1 ? "G-single" : "G2") + (rt ? "-realtime" : "");
            report(kind, involved, "cycle " + path);
        }

        private static String name(int type) {
            return switch (type) {
                case TxnGraph.WW -> "ww";
                case TxnGraph.WR -> "wr";
                case TxnGraph.RW -> "rw";
                case TxnGraph.RT -> "rt";
                default -> throw new IllegalArgumentException("edge type " + type);
            };
        }
    }
}
