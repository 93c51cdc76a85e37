package io.conclave.node;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.TransferLeader;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Changes a range's membership and Raft leadership by hand (the allocator does it on its own).",
        subcommands = {AdminCommand.AddReplicaCmd.class, AdminCommand.RemoveReplicaCmd.class,
            AdminCommand.TransferLeaderCmd.class})
final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "choose add-replica, remove-replica or transfer-leader");
    }

    static class Target {
        @Option(names = "--host", required = true, paramLabel = "HOST:PORT[,...]", description = "A node of the cluster.")
        String host;

        @Option(names = {"--range", "--group"}, required = true, paramLabel = "ID", description = "The range.")
        long range;

        @Option(names = "--node", required = true, paramLabel = "N", description = "The node to add, remove or lead.")
        long node;

        @picocli.CommandLine.Mixin
        SecurityFlags security = new SecurityFlags();

        RangeClient connect() {
            return Clients.connect(KvCommand.hosts(host), security.forClient());
        }
    }

    @Command(name = "add-replica", mixinStandardHelpOptions = true,
            description = "Adds a node to a range as a voter or (--learner) a learner; returns once applied.")
    static final class AddReplicaCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;
        @Option(names = "--learner", description = "Add as a learner (receives the log, does not vote).") boolean learner;
        @Option(names = "--address", paramLabel = "HOST:PORT",
                description = "Where the added node listens (needed if the cluster has not learned it yet).") String address;

        @Override
        public void run() {
            try (RangeClient c = t.connect()) {
                c.addReplica(t.range, t.node, address == null ? "" : address, learner);
                System.out.println("range " + t.range + ": node " + t.node + " added as a " + (learner ? "learner" : "voter"));
            }
        }
    }

    @Command(name = "remove-replica", mixinStandardHelpOptions = true,
            description = "Removes a node from a range; returns once applied.")
    static final class RemoveReplicaCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;

        @Override
        public void run() {
            try (RangeClient c = t.connect()) {
                c.removeReplica(t.range, t.node);
                System.out.println("range " + t.range + ": node " + t.node + " removed");
            }
        }
    }

    @Command(name = "transfer-leader", mixinStandardHelpOptions = true,
            description = "Asks the range's Raft leader, which must be the node at --host, to hand leadership to a node"
                    + " (lease-transfer moves the lease and leadership together).")
    static final class TransferLeaderCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;

        @Override
        public void run() {
            try (RangeClient c = t.connect()) {
                String leader = List.of(t.host.split(",")).get(0).trim();
                c.admin(leader, AdminRequest.newBuilder().setTransferLeader(
                        TransferLeader.newBuilder().setGroupId(t.range).setToNode(t.node)).build());
                System.out.println("range " + t.range + ": leadership transfer to node " + t.node + " requested");
            }
        }
    }
}
