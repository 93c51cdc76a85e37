package io.conclave.node;

import io.conclave.clock.ClockDurations;
import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.PeerClockOffset;
import io.conclave.range.rpc.StatusRequest;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows every range replica one node holds, and the clock offsets it measured to its peers.")
final class StatusCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "The node to ask.")
    String host;

    @Override
    public void run() {
        try (RangeClient c = Clients.connect(List.of(host), security.forClient())) {
            AdminResponse status = status(c, host);
            print(status.getGroupsList(), System.out);
            printClockOffsets(status, System.out);
        }
    }

    /** The status of every replica on the node at {@code host}, with its measured clock offsets. */
    static AdminResponse status(RangeClient client, String host) {
        return client.admin(host, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build());
    }

    static void print(List<GroupStatus> groups, PrintStream out) {
        out.printf("%-6s %-7s %-7s %-6s %-8s %-8s %-8s %-6s %-12s %s%n", "range", "leader", "lease", "term", "commit",
                "applied", "last", "quiet", "voters", "learners");
        for (GroupStatus g : groups) {
            out.printf("%-6d %-7d %-7s %-6d %-8d %-8d %-8d %-6s %-12s %s%n", g.getGroupId(), g.getLeader(),
                    g.getLease().getHolder() == 0 ? "-" : Long.toString(g.getLease().getHolder()), g.getTerm(),
                    g.getCommit(), g.getApplied(), g.getLastIndex(), g.getQuiesced() ? "yes" : "no", g.getVotersList(),
                    g.getLearnersList());
        }
    }

    /**
     * One line per peer: the peer's clock minus this node's (positive: the peer is ahead), the
     * error bound (half the ping's round trip) and the measurement's age.
     */
    static void printClockOffsets(AdminResponse status, PrintStream out) {
        out.println();
        if (status.getMaxOffsetNanos() == 0) {
            out.println("clock offsets: not reported by this node");
            return;
        }
        out.println("clock offsets (peer minus this node; max-offset " + ClockDurations.format(status.getMaxOffsetNanos())
                + ", a node stops beyond 80% of it from a majority):");
        if (status.getClockOffsetsCount() == 0) {
            out.println("  no fresh measurement of any peer");
            return;
        }
        out.printf("  %-6s %-10s %-10s %s%n", "node", "offset", "error", "age");
        for (PeerClockOffset o : status.getClockOffsetsList()) {
            out.printf("  %-6d %-10s %-10s %s%n", o.getNodeId(), ClockDurations.formatApprox(o.getOffsetNanos()),
                    "±" + ClockDurations.formatApprox(o.getErrorBoundNanos()).replace("+", ""),
                    ClockDurations.formatApprox(o.getAgeNanos()).replace("+", ""));
        }
    }
}
