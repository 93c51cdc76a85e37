package io.conclave.node;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Changes group membership and leadership.",
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

        @Option(names = "--group", required = true, paramLabel = "G", description = "The group.")
        long group;

        @Option(names = "--node", required = true, paramLabel = "N", description = "The node to add, remove or lead.")
        long node;
    }

    @Command(name = "add-replica", mixinStandardHelpOptions = true,
            description = "Adds a node to a group as a voter or (--learner) a learner; returns once applied.")
    static final class AddReplicaCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;
        @Option(names = "--learner", description = "Add as a learner (receives the log, does not vote).") boolean learner;
        @Option(names = "--address", paramLabel = "HOST:PORT",
                description = "Where the added node listens (needed the first time a node joins).") String address;

        @Override
        public void run() {
            try (KvClient c = KvClient.connect(t.host)) {
                StatusCommand.print(c.addReplica(t.group, t.node, address, learner), System.out);
            }
        }
    }

    @Command(name = "remove-replica", mixinStandardHelpOptions = true,
            description = "Removes a node from a group; returns once applied.")
    static final class RemoveReplicaCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;

        @Override
        public void run() {
            try (KvClient c = KvClient.connect(t.host)) {
                StatusCommand.print(c.removeReplica(t.group, t.node), System.out);
            }
        }
    }

    @Command(name = "transfer-leader", mixinStandardHelpOptions = true,
            description = "Asks a group's leader to hand leadership to a node.")
    static final class TransferLeaderCmd implements Runnable {
        @picocli.CommandLine.Mixin Target t;

        @Override
        public void run() {
            try (KvClient c = KvClient.connect(t.host)) {
                StatusCommand.print(c.transferLeader(t.group, t.node), System.out);
            }
        }
    }
}
