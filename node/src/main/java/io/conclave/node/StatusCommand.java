package io.conclave.node;

import io.conclave.node.rpc.GroupStatus;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows every group as one node sees it.")
final class StatusCommand implements Runnable {
    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "The node to ask.")
    String host;

    @Override
    public void run() {
        try (KvClient c = KvClient.connect(host)) {
            print(c.status(host), System.out);
        }
    }

    static void print(List<GroupStatus> groups, PrintStream out) {
        out.printf("%-6s %-7s %-6s %-8s %-8s %-8s %-6s %-12s %s%n", "group", "leader", "term", "commit", "applied",
                "last", "quiet", "voters", "learners");
        for (GroupStatus g : groups) {
            out.printf("%-6d %-7d %-6d %-8d %-8d %-8d %-6s %-12s %s%n", g.getGroupId(), g.getLeader(), g.getTerm(),
                    g.getCommit(), g.getApplied(), g.getLastIndex(), g.getQuiesced() ? "yes" : "no", g.getVotersList(),
                    g.getLearnersList());
        }
    }
}
