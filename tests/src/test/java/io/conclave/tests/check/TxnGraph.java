package io.conclave.tests.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dependency graph between transactions (nodes 0..n-1) with typed edges, and the cycle searches
 * the list-append checker needs. Everything is iterative: a history of many thousand
 * transactions must not overflow the stack.
 */
final class TxnGraph {
    static final int WW = 1;
    static final int WR = 2;
    static final int RW = 4;
    static final int RT = 8;
    static final int DATA = WW | WR | RW;
    /** Label preference for a pair joined by several edge types: the one that names the worse anomaly. */
    private static final int[] PREFERENCE = {WW, WR, RT, RW};

    /** The edge types from one node to another, and for each data type the first key that caused it. */
    private static final class Edge {
        int mask;
        final Object[] keyByType = new Object[4];
    }

    private final List<TreeMap<Integer, Edge>> out = new ArrayList<>();

    TxnGraph(int nodes) {
        for (int i = 0; i < nodes; i++) out.add(new TreeMap<>());
    }

    int size() {
        return out.size();
    }

    void add(int from, int to, int type, Object key) {
        Checks.check(from != to, "no self edges (node %d)", from);
        Edge edge = out.get(from).computeIfAbsent(to, t -> new Edge());
        int slot = Integer.numberOfTrailingZeros(type);
        if ((edge.mask & type) == 0) edge.keyByType[slot] = key;
        edge.mask |= type;
    }

    int mask(int from, int to) {
        Edge edge = out.get(from).get(to);
        return edge == null ? 0 : edge.mask;
    }

    Object key(int from, int to, int type) {
        Edge edge = out.get(from).get(to);
        return edge == null ? null : edge.keyByType[Integer.numberOfTrailingZeros(type)];
    }

    /** The type a hop is labelled with when {@code allowed} types may be used on it. */
    int label(int from, int to, int allowed) {
        int mask = mask(from, to) & allowed;
        for (int type : PREFERENCE) {
            if ((mask & type) != 0) return type;
        }
        throw new IllegalStateException("no edge " + from + " -> " + to + " within mask " + allowed);
    }

    /** Rw edges from {@code from} to nodes inside {@code within}, in node order. */
    List<Integer> rwTargets(int from, BitSet within) {
        List<Integer> targets = new ArrayList<>();
        for (Map.Entry<Integer, Edge> e : out.get(from).entrySet()) {
            if (within.get(e.getKey()) && (e.getValue().mask & RW) != 0) targets.add(e.getKey());
        }
        return targets;
    }

    /**
     * Strongly connected components of more than one node, of the subgraph induced by
     * {@code within} using only edges of {@code mask} (Tarjan's algorithm, with an explicit stack).
     */
    List<BitSet> cyclicComponents(BitSet within, int mask) {
        int n = size();
        int[] index = new int[n];
        int[] low = new int[n];
        java.util.Arrays.fill(index, -1);
        boolean[] onStack = new boolean[n];
        Deque<Integer> stack = new ArrayDeque<>();
        List<BitSet> components = new ArrayList<>();
        int counter = 0;
        // Each frame: node and an iterator position over its successors.
        Deque<int[]> calls = new ArrayDeque<>();
        List<int[]> successors = new ArrayList<>(n);
        for (int v = 0; v < n; v++) successors.add(null);

        for (int root = within.nextSetBit(0); root >= 0; root = within.nextSetBit(root + 1)) {
            if (index[root] >= 0) continue;
            calls.push(new int[] {root, 0});
            index[root] = low[root] = counter++;
            stack.push(root);
            onStack[root] = true;
            while (!calls.isEmpty()) {
                int[] frame = calls.peek();
                int v = frame[0];
                int[] next = successors.get(v);
                if (next == null) {
                    next = successorsOf(v, within, mask);
                    successors.set(v, next);
                }
                if (frame[1] < next.length) {
                    int w = next[frame[1]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack.push(w);
                        onStack[w] = true;
                        calls.push(new int[] {w, 0});
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                calls.pop();
                if (!calls.isEmpty()) {
                    int parent = calls.peek()[0];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    BitSet component = new BitSet(n);
                    int w;
                    do {
                        w = stack.pop();
                        onStack[w] = false;
                        component.set(w);
                    } while (w != v);
                    if (component.cardinality() > 1) components.add(component);
                }
            }
        }
        components.sort((a, b) -> Integer.compare(a.nextSetBit(0), b.nextSetBit(0)));
        return components;
    }

    private int[] successorsOf(int v, BitSet within, int mask) {
        return out.get(v).entrySet().stream()
                .filter(e -> within.get(e.getKey()) && (e.getValue().mask & mask) != 0)
                .mapToInt(Map.Entry::getKey)
                .toArray();
    }

    /**
     * The shortest path from {@code from} to {@code to} (breadth first) inside {@code within}
     * using edges of {@code mask}, as the node list {@code [from ... to]}; null if none. With
     * {@code from == to} it is the shortest cycle through that node, {@code [v ... v]}.
     */
    List<Integer> shortestPath(int from, int to, BitSet within, int mask) {
        int n = size();
        int[] parent = new int[n];
        java.util.Arrays.fill(parent, -2);
        Deque<Integer> queue = new ArrayDeque<>();
        // Start from from's successors so that from == to finds a cycle rather than the empty path.
        for (int w : successorsOf(from, within, mask)) {
            if (parent[w] == -2) {
                parent[w] = from;
                queue.add(w);
            }
        }
        while (!queue.isEmpty()) {
            int v = queue.poll();
            if (v == to) {
                List<Integer> path = new ArrayList<>();
                int at = to;
                path.add(at);
                do {
                    at = parent[at];
                    path.add(0, at);
                } while (at != from);
                return path;
            }
            for (int w : successorsOf(v, within, mask)) {
                if (parent[w] == -2) {
                    parent[w] = v;
                    queue.add(w);
                }
            }
        }
        return null;
    }
}
