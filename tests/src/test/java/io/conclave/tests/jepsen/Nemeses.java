package io.conclave.tests.jepsen;

import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The nemeses a run can compose ({@code kill,stop,pause,partition,clock,moves}), each a small class.
 * Every choice comes from the schedule's seeded random source, so a seed replays the same
 * choices (the timing of a real cluster does not replay, the schedule does).
 */
final class Nemeses {
    private Nemeses() {}

    static final List<String> NAMES = List.of("kill", "stop", "pause", "partition", "clock", "moves");

    /**
     * The nemeses named in {@code spec} (comma-separated, or "all", or "none").
     *
     * @param userRanges the workload's ranges (for leaseholder partitions, lease moves and splits)
     * @param workload splits its own data for the moves nemesis
     */
    static List<Nemesis> parse(String spec, Supplier<List<RangeDescriptor>> userRanges, Workload workload) {
        String s = spec.strip();
        if (s.equals("none") || s.isEmpty()) return List.of();
        List<String> names = s.equals("all") ? NAMES : List.of(s.split(","));
        Map<String, Nemesis> out = new LinkedHashMap<>();
        for (String raw : names) {
            String name = raw.strip();
            Nemesis n = switch (name) {
                case "kill" -> new Kill(userRanges, false);
                case "stop" -> new Kill(userRanges, true);
                case "pause" -> new Pause();
                case "partition" -> new Partition(userRanges);
                case "clock" -> new Clock();
                case "moves" -> new Moves(userRanges, workload);
                default -> throw new IllegalArgumentException("unknown nemesis '" + name + "'; known: " + NAMES
                        + ", all, none");
            };
            out.put(name, n);
        }
        return List.copyOf(out.values());
    }

    static long pick(List<Long> nodes, SplittableRandom random) {
        return nodes.get(random.nextInt(nodes.size()));
    }

    /**
     * A node for a fault: while other faults have nodes out (only with overlap), half the time one
     * of those, since on 3 nodes a second fault is admitted only there; otherwise any node. With
     * nothing out it draws exactly as {@link #pick}, so runs without overlap replay as before.
     */
    static long target(ClusterFaults cluster, SplittableRandom random) {
        List<Long> out = cluster.outNodes();
        if (!out.isEmpty() && random.nextBoolean()) return pick(out, random);
        return pick(cluster.nodeIds(), random);
    }

    /**
     * kill -9 of one node, or with {@code graceful} a SIGTERM (the node drains: it hands its leases
     * over and withdraws from liveness before it exits); half the time a leaseholder of a user
     * range. Heal: restart on its store.
     */
    static final class Kill implements Nemesis {
        private final Supplier<List<RangeDescriptor>> userRanges;
        private final boolean graceful;

        Kill(Supplier<List<RangeDescriptor>> userRanges, boolean graceful) {
            this.userRanges = userRanges;
            this.graceful = graceful;
        }

        @Override
        public String name() {
            return graceful ? "stop" : "kill";
        }

        @Override
        public Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception {
            long node = target(cluster, random);
            String role = "";
            if (random.nextBoolean()) {
                // A leaseholder's death strands the most: its leases must run out before anyone serves.
                List<RangeDescriptor> ranges = userRanges.get();
                long rangeId = ranges.get(random.nextInt(ranges.size())).getRangeId();
                long holder = cluster.leaseholder(rangeId);
                if (holder != 0) {
                    node = holder;
                    role = ", the leaseholder of range " + rangeId;
                }
            }
            ClusterFaults.Claim claim = cluster.claim(Set.of(node), Set.of(node));
            if (claim == null) return null;
            long pid = cluster.process(node).pid();
            long id = log.start(name(), (graceful ? "SIGTERM to node " : "kill -9 node ") + node + role + " (pid " + pid + ")");
            if (graceful) {
                log.point(name(), "node " + node + " exited: " + cluster.stop(node));
            } else {
                cluster.kill(node);
            }
            long victim = node;
            return () -> {
                cluster.restart(victim);
                log.end(name(), id, "node " + victim + " restarted (pid " + cluster.process(victim).pid() + ")");
                cluster.release(claim);
            };
        }
    }

    /** SIGSTOP of one node: it holds its leases and connections but answers nothing; heal: SIGCONT. */
    static final class Pause implements Nemesis {
        @Override
        public String name() {
            return "pause";
        }

        @Override
        public Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception {
            long node = target(cluster, random);
            ClusterFaults.Claim claim = cluster.claim(Set.of(node), Set.of(node));
            if (claim == null) return null;
            long id = log.start(name(), "kill -STOP node " + node + " (pid " + cluster.process(node).pid() + ")");
            cluster.pause(node);
            return () -> {
                cluster.resume(node);
                log.end(name(), id, "kill -CONT node " + node);
                cluster.release(claim);
            };
        }
    }

    /**
     * A network partition through the nodes' fault rules, one of: one node isolated, a majority
     * and a minority, a bridge (two sides that both see one middle node), or the leaseholder of a
     * chosen range isolated. Heal: every cut removed.
     */
    static final class Partition implements Nemesis {
        private final Supplier<List<RangeDescriptor>> userRanges;

        Partition(Supplier<List<RangeDescriptor>> userRanges) {
            this.userRanges = userRanges;
        }

        @Override
        public String name() {
            return "partition";
        }

        @Override
        public Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception {
            List<Long> nodes = new ArrayList<>(cluster.nodeIds());
            Collections.shuffle(nodes, new java.util.Random(random.nextLong()));
            List<Long> out = cluster.outNodes();
            if (!out.isEmpty() && random.nextBoolean()) {
                // As in target(): put a node already out first, where the cut sides start.
                Long first = pick(out, random);
                nodes.remove(first);
                nodes.add(0, first);
            }
            int mode = random.nextInt(4);
            List<Long> sideA;
            List<Long> sideB;
            Long bridge = null;
            String what;
            switch (mode) {
                case 0 -> {
                    sideA = nodes.subList(0, 1);
                    sideB = nodes.subList(1, nodes.size());
                    what = "isolate node " + sideA.get(0);
                }
                case 1 -> {
                    int minority = (nodes.size() - 1) / 2;
                    sideA = nodes.subList(0, minority);
                    sideB = nodes.subList(minority, nodes.size());
                    what = "minority " + sideA + " | majority " + sideB;
                }
                case 2 -> {
                    bridge = nodes.get(0);
                    List<Long> rest = nodes.subList(1, nodes.size());
                    sideA = rest.subList(0, rest.size() / 2);
                    sideB = rest.subList(rest.size() / 2, rest.size());
                    what = "bridge " + sideA + " - " + bridge + " - " + sideB;
                }
                default -> {
                    List<RangeDescriptor> ranges = userRanges.get();
                    RangeDescriptor range = ranges.get(random.nextInt(ranges.size()));
                    long holder = cluster.leaseholder(range.getRangeId());
                    if (holder == 0) holder = nodes.get(0);
                    List<Long> others = new ArrayList<>(nodes);
                    others.remove(holder);
                    sideA = List.of(holder);
                    sideB = others;
                    what = "isolate node " + holder + ", the leaseholder of range " + range.getRangeId();
                }
            }
            // Side A is never larger than the rest, and the rest (side B, with the bridge) all see
            // each other: side A is what the partition takes out of the connected majority.
            ClusterFaults.Claim claim = cluster.claim(Set.copyOf(sideA), Set.of());
            if (claim == null) return null;
            long id = log.start(name(), what);
            for (long a : sideA) {
                for (long b : sideB) cluster.cut(a, b);
            }
            return () -> {
                cluster.healPartitions();
                log.end(name(), id, "healed: " + what);
                cluster.release(claim);
            };
        }
    }

    /**
     * A step of one node's clock. Two times in three within the maximum offset (0.1 to 0.4 of it,
     * either way: nothing may change for clients); otherwise 2 to 4 times beyond it, and then the
     * node's offset guard must stop it within {@link #STOP_WAIT_MILLIS}, which the schedule
     * checks. Heal: the step undone (a jump back), or the stopped node restarted.
     */
    static final class Clock implements Nemesis {
        static final long STOP_WAIT_MILLIS = 15_000;

        private volatile int stopsMissed;

        @Override
        public String name() {
            return "clock";
        }

        /** Steps beyond the maximum offset after which the node did not stop. */
        int stopsMissed() {
            return stopsMissed;
        }

        @Override
        public Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception {
            long node = target(cluster, random);
            long max = cluster.maxOffsetNanos();
            boolean beyond = random.nextInt(3) == 0;
            double factor = beyond ? 2 + 2 * random.nextDouble() : 0.1 + 0.3 * random.nextDouble();
            long step = (long) (factor * max) * (random.nextBoolean() ? 1 : -1);
            String what = "clock of node " + node + " " + (step > 0 ? "+" : "") + step / 1_000_000 + " ms ("
                    + (beyond ? "beyond" : "within") + " the max offset of " + max / 1_000_000 + " ms)";
            // A step within the offset takes nothing out; one beyond it stops the node, and the
            // wait for that stop needs a node no other fault holds down or cuts off (its offset
            // guard measures the clock against its peers').
            if (beyond && cluster.isOut(node)) return null;
            Set<Long> out = beyond ? Set.of(node) : Set.of();
            ClusterFaults.Claim claim = cluster.claim(out, out);
            if (claim == null) return null;
            long id = log.start(name(), what);
            cluster.stepClock(node, step);
            if (!beyond) {
                return () -> {
                    cluster.stepClock(node, 0);
                    log.end(name(), id, "clock of node " + node + " stepped back to true time");
                    cluster.release(claim);
                };
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
            while (cluster.isAlive(node) && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(100);
            if (cluster.isAlive(node)) {
                stopsMissed++;
                log.point(name(), "node " + node + " is still running " + STOP_WAIT_MILLIS
                        + " ms after a clock step beyond the max offset: its offset guard did not stop it");
            } else {
                log.point(name(), "node " + node + " stopped itself (exit code "
                        + cluster.process(node).exitValue() + ")");
            }
            return () -> {
                if (cluster.isAlive(node)) {
                    cluster.stepClock(node, 0);
                    log.end(name(), id, "clock of node " + node + " stepped back to true time");
                } else {
                    cluster.restart(node);
                    log.end(name(), id, "node " + node + " restarted with its true clock");
                }
                cluster.release(claim);
            };
        }
    }

    /** A lease transfer, a split or a replica move (removed and added back), chosen at random. */
    static final class Moves implements Nemesis {
        private final Supplier<List<RangeDescriptor>> userRanges;
        private final Workload workload;

        Moves(Supplier<List<RangeDescriptor>> userRanges, Workload workload) {
            this.userRanges = userRanges;
            this.workload = workload;
        }

        @Override
        public String name() {
            return "moves";
        }

        @Override
        public Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception {
            List<RangeDescriptor> ranges = userRanges.get();
            RangeDescriptor range = ranges.get(random.nextInt(ranges.size()));
            long rangeId = range.getRangeId();
            int kind = random.nextInt(3);
            String what = "?";
            try {
                switch (kind) {
                    case 0 -> {
                        long to = pick(cluster.nodeIds(), random);
                        what = "lease of range " + rangeId + " to node " + to;
                        cluster.admin().transferLease(rangeId, to);
                    }
                    case 1 -> {
                        what = "split";
                        what = workload.split(random);
                    }
                    default -> {
                        long node = pick(cluster.nodeIds(), random);
                        what = "replica of range " + rangeId + " on node " + node + " removed and added back";
                        cluster.admin().removeReplica(rangeId, node);
                        String address = cluster.process(node).spec().listenAddress();
                        cluster.admin().addReplica(rangeId, node, address, true);
                        cluster.admin().addReplica(rangeId, node, address, false);
                    }
                }
                log.point(name(), what);
            } catch (RuntimeException | java.sql.SQLException e) {
                // A move the cluster refuses (a transfer to the holder, a key that is already a
                // boundary, a replica change racing the allocator) is not a failure; it is logged.
                log.point(name(), what + " refused: " + e.getMessage());
            }
            return NOTHING;
        }
    }
}
