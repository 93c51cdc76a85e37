package io.conclave.bench;

import io.conclave.range.rpc.GroupStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The three Raft scenarios, each on a fresh three-node cluster with fsync on: (a) one group
 * under {@code proposers} concurrent 1 KiB puts, (b) the same load spread over many groups,
 * (c) many idle groups, where what matters is the CPU the nodes burn doing nothing.
 */
final class RaftBench {
    /** Settings of one run; see {@link BenchMain.RaftCommand} for what each means. */
    record Settings(long warmupNanos, long durationNanos, long idleWindowNanos, int proposers, int entryBytes,
            int groups, int idleGroups, long leaderTimeoutNanos, List<String> nodeJvmFlags, List<String> nodeStartFlags,
            Path tempParent, long seed, boolean keepDir, LoadGenerator.KeyOrder keys) {}

    /** What the node logs every few seconds about its scheduler: batching, commit time, frames. */
    static final String SCHEDULER_STATS_MARKER = "entries/commit";

    record LoadRow(String scenario, int groups, LoadGenerator.Result load, double[] nodeCpuPercent,
            double clientCpuPercent) {}

    record IdleRow(int groups, double[] nodeCpuPercent, long leaderWaitMillis) {}

    private final Settings settings;
    private final NodeAccess access;

    RaftBench(Settings settings, NodeAccess access) {
        this.settings = settings;
        this.access = access;
    }

    LoadRow runLoad(String scenario, int groups) throws Exception {
        try (BenchCluster cluster = startCluster(groups)) {
            Map<Long, String> leaders = new HashMap<>();
            long leaderWait = awaitLeadersOrDump(cluster, groups, leaders);
            System.out.printf(Locale.ROOT, "[%s] %d groups have leaders after %d ms; warming up %d s, measuring %d s%n",
                    scenario, groups, leaderWait, TimeUnit.NANOSECONDS.toSeconds(settings.warmupNanos()),
                    TimeUnit.NANOSECONDS.toSeconds(settings.durationNanos()));
            try (KvWriter writer = access.writer(cluster.addresses(), settings.proposers(), groups, leaders)) {
                LoadGenerator gen = new LoadGenerator(writer, settings.proposers(), settings.entryBytes(), settings.seed(),
                        settings.keys(), groups);
                CpuWindow cpu = new CpuWindow(cluster);
                Thread sampler = cpu.sampleAfter(settings.warmupNanos(), settings.durationNanos());
                LoadGenerator.Result result = gen.run(settings.warmupNanos(), settings.durationNanos());
                sampler.join(TimeUnit.NANOSECONDS.toMillis(settings.durationNanos()) + 10_000);
                printSchedulerStats(cluster);
                System.out.println("  node CPU in the kernel (system time), % of one core: " + cpuList(cpu.nodeSystemPercent()));
                printWrites(cpu.nodeWritesPerSecond(), result.commitsPerSecond());
                reportDeadNodes(cluster);
                return new LoadRow(scenario, groups, result, cpu.nodePercent(), cpu.selfPercent());
            }
        }
    }

    IdleRow runIdle(int groups) throws Exception {
        try (BenchCluster cluster = startCluster(groups)) {
            long leaderWait = awaitLeadersOrDump(cluster, groups, new HashMap<>());
            System.out.printf(Locale.ROOT, "[idle] %d groups have leaders after %d ms; measuring CPU for %d s%n",
                    groups, leaderWait, TimeUnit.NANOSECONDS.toSeconds(settings.idleWindowNanos()));
            CpuWindow cpu = new CpuWindow(cluster);
            Thread sampler = cpu.sampleAfter(0, settings.idleWindowNanos());
            sampler.join(TimeUnit.NANOSECONDS.toMillis(settings.idleWindowNanos()) + 10_000);
            System.out.println("  node CPU in the kernel (system time), % of one core: " + cpuList(cpu.nodeSystemPercent()));
            reportDeadNodes(cluster);
            return new IdleRow(groups, cpu.nodePercent(), leaderWait);
        }
    }

    /**
     * The nodes' write system calls: nearly all are LMDB pages, so per commit they say how many
     * scattered pages each commit costs the disk all three nodes share (bench/disk-page-writes.py
     * measures what that disk can take).
     */
    private static void printWrites(double[] perSecond, double commitsPerSecond) {
        double sum = 0;
        StringBuilder b = new StringBuilder();
        for (double w : perSecond) {
            if (b.length() > 0) b.append(" / ");
            b.append(Double.isNaN(w) ? "?" : String.format(Locale.ROOT, "%.0f", w));
            sum += w;
        }
        String perCommit = commitsPerSecond > 0 && !Double.isNaN(sum)
                ? String.format(Locale.ROOT, "%.1f", sum / commitsPerSecond) : "?";
        System.out.println("  node write system calls/s (mostly 4 KiB LMDB pages): " + b + "; " + perCommit
                + " per committed proposal, all nodes together");
    }

    private BenchCluster startCluster(int groups) throws IOException, InterruptedException {
        return BenchCluster.start(settings.tempParent(), 3, groups, settings.nodeJvmFlags(), settings.nodeStartFlags(),
                settings.keepDir());
    }

    /** A node that exited during a run makes its figures meaningless: say so, with its log. */
    private static void reportDeadNodes(BenchCluster cluster) {
        for (BenchCluster.Node n : cluster.nodes()) {
            if (n.process().isAlive()) continue;
            System.out.println("WARNING: node " + n.id() + " exited with code " + n.process().exitValue()
                    + " during the run; log tail:\n" + n.process().logTail(30));
        }
    }

    /** The nodes' own account of the last intervals (batch sizes, commit times), if they log one. */
    private static void printSchedulerStats(BenchCluster cluster) {
        for (BenchCluster.Node n : cluster.nodes()) {
            for (String line : BenchCluster.logLines(n, SCHEDULER_STATS_MARKER, 2)) System.out.println("  node log: " + line);
        }
    }

    private long awaitLeadersOrDump(BenchCluster cluster, int groups, Map<Long, String> leaders) throws Exception {
        try {
            return awaitLeaders(cluster, groups, leaders);
        } catch (IllegalStateException e) {
            for (BenchCluster.Node n : cluster.nodes()) {
                System.out.println("==== node " + n.id() + " log tail ====\n" + n.process().logTail(15));
            }
            throw e;
        }
    }

    /**
     * Polls each node's status until every group has a known leader on every node; fills
     * {@code leaders} with each group's leader address.
     */
    private long awaitLeaders(BenchCluster cluster, int groups, Map<Long, String> leaders) throws Exception {
        long start = System.nanoTime();
        long deadline = start + settings.leaderTimeoutNanos();
        String last = "no status yet";
        while (System.nanoTime() < deadline) {
            int ready = 0;
            StringBuilder progress = new StringBuilder();
            for (String address : cluster.addresses()) {
                try {
                    List<GroupStatus> status = access.status(address);
                    for (GroupStatus g : status) {
                        if (g.getLeader() >= 1 && g.getLeader() <= cluster.addresses().size()) {
                            leaders.put(g.getGroupId(), cluster.addresses().get((int) g.getLeader() - 1));
                        }
                    }
                    long led = status.stream().filter(g -> g.getLeader() != 0).count();
                    progress.append(address).append('=').append(led).append('/').append(status.size()).append(' ');
                    if (status.size() >= groups && led >= groups) ready++;
                } catch (Exception e) {
                    progress.append(address).append(": ").append(e.getMessage()).append(' ');
                }
            }
            last = progress.toString();
            if (ready == cluster.addresses().size()) return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Thread.sleep(500);
        }
        throw new IllegalStateException("not every group had a leader within "
                + TimeUnit.NANOSECONDS.toSeconds(settings.leaderTimeoutNanos()) + " s; last status: " + last);
    }

    /** utime+stime of each node process and of this JVM over one window. */
    static final class CpuWindow {
        private final BenchCluster cluster;
        private volatile double[] nodePercent;
        private volatile double[] nodeSystemPercent;
        private volatile double[] nodeWritesPerSecond;
        private volatile double selfPercent;

        CpuWindow(BenchCluster cluster) {
            this.cluster = cluster;
        }

        Thread sampleAfter(long delayNanos, long windowNanos) {
            Thread t = new Thread(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(delayNanos);
                    measure(windowNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    System.err.println("cpu sampling failed: " + e.getMessage());
                }
            }, "bench-cpu-sampler");
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void measure(long windowNanos) throws IOException, InterruptedException {
            List<BenchCluster.Node> nodes = cluster.nodes();
            long self = ProcessHandle.current().pid();
            NodeSample[] before = new NodeSample[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) before[i] = NodeSample.of(nodes.get(i));
            long selfBefore = ProcessCpu.cpuTicks(self);
            long t0 = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep(windowNanos);
            double[] percent = new double[nodes.size()];
            double[] systemPercent = new double[nodes.size()];
            double[] writesPerSecond = new double[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                NodeSample after = NodeSample.of(nodes.get(i));
                long elapsed = System.nanoTime() - t0;
                writesPerSecond[i] = before[i].writeCalls() < 0 || after.writeCalls() < 0 ? Double.NaN
                        : (after.writeCalls() - before[i].writeCalls()) / (elapsed / 1e9);
                percent[i] = before[i].cpuTicks() < 0 || after.cpuTicks() < 0 ? Double.NaN
                        : ProcessCpu.percentOfOneCore(before[i].cpuTicks(), after.cpuTicks(), elapsed);
                systemPercent[i] = before[i].systemTicks() < 0 || after.systemTicks() < 0 ? Double.NaN
                        : ProcessCpu.percentOfOneCore(before[i].systemTicks(), after.systemTicks(), elapsed);
            }
            nodeSystemPercent = systemPercent;
            nodeWritesPerSecond = writesPerSecond;
            selfPercent = ProcessCpu.percentOfOneCore(selfBefore, ProcessCpu.cpuTicks(self), System.nanoTime() - t0);
            nodePercent = percent;
        }

        /**
         * One reading of a node's /proc counters: CPU and system ticks from one read of its stat,
         * write calls from its io. A process that is gone has no /proc entry; what it used is then
         * unknown (-1), not zero.
         */
        private record NodeSample(long cpuTicks, long systemTicks, long writeCalls) {
            static NodeSample of(BenchCluster.Node node) {
                long pid = node.process().pid();
                long cpu = -1;
                long system = -1;
                long writes = -1;
                try {
                    long[] ticks = ProcessCpu.userAndSystemTicks(pid);
                    cpu = ticks[0] + ticks[1];
                    system = ticks[1];
                } catch (IOException gone) {
                    // unknown
                }
                try {
                    writes = ProcessCpu.writeSyscalls(pid);
                } catch (IOException gone) {
                    // unknown
                }
                return new NodeSample(cpu, system, writes);
            }
        }

        /** Each node's write system calls per second over the window; NaN where unknown. */
        double[] nodeWritesPerSecond() {
            return nodeWritesPerSecond == null ? new double[0] : nodeWritesPerSecond;
        }

        /** Of each node's CPU, the part spent in the kernel (system time). */
        double[] nodeSystemPercent() {
            return nodeSystemPercent == null ? new double[0] : nodeSystemPercent;
        }

        double[] nodePercent() {
            return nodePercent == null ? new double[0] : nodePercent;
        }

        double selfPercent() {
            return selfPercent;
        }
    }

    static String formatLoad(LoadRow row) {
        LoadGenerator.Result r = row.load();
        Histogram h = r.latencyNanos();
        return String.format(Locale.ROOT, "| %-8s | %6d | %10.0f | %7.2f | %7.2f | %7.2f | %7.2f | %6d | %-22s | %5.0f%% |",
                row.scenario(), row.groups(), r.commitsPerSecond(), ms(h, 50), ms(h, 99), ms(h, 99.9),
                h.getMaxValue() / 1e6, r.errors(), cpuList(row.nodeCpuPercent()), row.clientCpuPercent());
    }

    static String loadHeader() {
        return "| scenario | groups |  commits/s | p50 ms  | p99 ms  | p99.9ms | max ms  | errors | node CPU % of 1 core   | client |\n"
                + "|----------|--------|------------|---------|---------|---------|---------|--------|------------------------|--------|";
    }

    static String formatIdle(IdleRow row) {
        return String.format(Locale.ROOT, "| idle     | %6d | leaders after %d ms | node CPU %% of one core: %s |",
                row.groups(), row.leaderWaitMillis(), cpuList(row.nodeCpuPercent()));
    }

    static String cpuList(double[] percent) {
        List<String> parts = new ArrayList<>();
        for (double p : percent) parts.add(String.format(Locale.ROOT, "%.1f", p));
        return String.join(" / ", parts);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }
}
