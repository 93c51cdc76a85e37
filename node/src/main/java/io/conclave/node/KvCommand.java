package io.conclave.node;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "kv", mixinStandardHelpOptions = true, description = "Reads and writes keys (UTF-8 text).",
        subcommands = {KvCommand.Put.class, KvCommand.Get.class, KvCommand.Scan.class, KvCommand.Del.class})
final class KvCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose put, get, scan or del");
    }

    /** The node(s) to talk to; a comma-separated list lets the client fail over. */
    static final class HostOption {
        @Option(names = "--host", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "A node of the cluster (several, comma-separated, to fail over).")
        String host;

        KvClient client() {
            return KvClient.connect(host);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Writes KEY = VALUE.")
    static final class Put implements Runnable {
        @Mixin HostOption host;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        public void run() {
            try (KvClient c = host.client()) {
                long index = c.put(utf8(key), utf8(value));
                System.out.println("OK (applied at index " + index + ")");
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Reads KEY (linearizable).")
    static final class Get implements Runnable {
        @Mixin HostOption host;
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public void run() {
            try (KvClient c = host.client()) {
                Optional<byte[]> v = c.get(utf8(key));
                System.out.println(v.map(KvCommand::text).orElse("(not found)"));
            }
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Deletes KEY.")
    static final class Del implements Runnable {
        @Mixin HostOption host;
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public void run() {
            try (KvClient c = host.client()) {
                long index = c.delete(utf8(key));
                System.out.println("OK (applied at index " + index + ")");
            }
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true, description = "Lists keys in [FROM, TO).")
    static final class Scan implements Runnable {
        @Mixin HostOption host;
        @Parameters(index = "0", arity = "0..1", paramLabel = "FROM") String from = "";
        @Parameters(index = "1", arity = "0..1", paramLabel = "TO") String to = "";
        @Option(names = "--limit", defaultValue = "100", description = "Most rows to print (default 100).") int limit;

        @Override
        public void run() {
            try (KvClient c = host.client()) {
                for (KvClient.Row row : c.scan(utf8(from), utf8(to), limit)) {
                    System.out.println(text(row.key()) + " = " + text(row.value()));
                }
            }
        }
    }
}
