package io.conclave.node;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.txn.ClusterSettings;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave settings set|get|list}: the cluster settings ({@link ClusterSettings}), read and
 * written in transactions through any node. A change reaches every node's coordinator within
 * about {@link TxnClient#SETTINGS_REFRESH_NANOS} plus one read.
 */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = "Reads and writes cluster settings (e.g. commit_wait on|off), which every node follows.",
        subcommands = {SettingsCommand.Set.class, SettingsCommand.Get.class, SettingsCommand.List.class})
final class SettingsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose set, get or list");
    }

    static final class HostOption {
        @Option(names = "--host", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "A node of the cluster (several, comma-separated, to fail over).")
        String host;

        @picocli.CommandLine.Mixin
        SecurityFlags security = new SecurityFlags();
    }

    /** Runs {@code body} in a transaction through a fresh client of {@code host}. */
    private static <T> T inTxn(HostOption target, io.conclave.txn.TxnBody<T> body) {
        try (RangeClient ranges = Clients.connect(KvCommand.hosts(target.host), target.security.forClient());
                TxnClient txns = new TxnClient(ranges, TxnSettings.builder().build())) {
            return txns.run(body);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Sets NAME to VALUE for the whole cluster ('default' removes it).")
    static final class Set implements Runnable {
        @picocli.CommandLine.Mixin HostOption options;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        public void run() {
            if (value.equalsIgnoreCase("default")) {
                ClusterSettings.key(name);
                inTxn(options, txn -> {
                    ClusterSettings.reset(txn, name);
                    return null;
                });
                System.out.println(name + " = " + ClusterSettings.defaultValue(name) + " (default)");
                return;
            }
            String normalized = ClusterSettings.normalize(name, value);
            inTxn(options, txn -> ClusterSettings.set(txn, name, normalized));
            System.out.println(name + " = " + normalized);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints NAME's value.")
    static final class Get implements Runnable {
        @picocli.CommandLine.Mixin HostOption options;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public void run() {
            ClusterSettings.key(name);
            String value = inTxn(options, txn -> ClusterSettings.get(txn, name));
            System.out.println(value);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints every setting, its value and what it does.")
    static final class List implements Runnable {
        @picocli.CommandLine.Mixin HostOption options;

        @Override
        public void run() {
            Map<String, String> values = inTxn(options, ClusterSettings::list);
            values.forEach((name, value) -> System.out.println(name + " = " + value + "  -- "
                    + ClusterSettings.description(name) + " (default " + ClusterSettings.defaultValue(name) + ")"));
        }
    }
}
