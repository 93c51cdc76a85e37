package io.conclave.node;

import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.rpc.ListRanges;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.rpc.RangeRow;
import io.conclave.range.Keys;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.io.PrintStream;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ranges", mixinStandardHelpOptions = true,
        description = {"Lists every range: id, start and end key, replicas (learners marked L), leaseholder,"
                + " size and requests per second (from the leaseholder; 'none': no valid lease, an idle range lets"
                + " it lapse; '?': its replicas could not be asked)."})
final class RangesCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "A node of the cluster.")
    String host;

    @Override
    public void run() {
        NodeResponse r = NodeRpc.call(host, NodeRequest.newBuilder().setRanges(ListRanges.getDefaultInstance()).build(),
                NodesCommand.TIMEOUT, security.forClient());
        print(r, System.out);
    }

    static void print(NodeResponse r, PrintStream out) {
        out.printf("%-6s %-20s %-20s %-14s %-12s %-10s %s%n", "range", "start", "end", "replicas", "leaseholder",
                "size", "qps");
        for (RangeRow row : r.getRangesList()) {
            RangeDescriptor d = row.getRangeDescriptor();
            out.printf("%-6d %-20s %-20s %-14s %-12s %-10s %s%n", d.getRangeId(), Keys.pretty(d.getStartKey().toByteArray()),
                    Keys.pretty(d.getEndKey().toByteArray()), replicas(d),
                    !row.getStatusKnown() ? "?" : row.getLeaseholder() == 0 ? "none" : Long.toString(row.getLeaseholder()),
                    row.getStatusKnown() ? bytes(row.getSizeBytes()) : "?",
                    row.getStatusKnown() ? String.format("%.1f", row.getQps()) : "?");
        }
        out.println("(" + r.getRangesCount() + " ranges)");
    }

    static String replicas(RangeDescriptor d) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        for (ReplicaDescriptor r : d.getReplicasList()) j.add(r.getNodeId() + (r.getLearner() ? "L" : ""));
        return j.toString();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / (1024.0 * 1024));
        return String.format("%.1f GiB", n / (1024.0 * 1024 * 1024));
    }

    static String describe(RangeDescriptor d) {
        return "range " + d.getRangeId() + " [" + Keys.pretty(d.getStartKey().toByteArray()) + ", "
                + Keys.pretty(d.getEndKey().toByteArray()) + ") replicas " + replicas(d) + " generation "
                + d.getGeneration();
    }
}
