package io.conclave.node;

import io.conclave.node.client.Clients;
import io.conclave.range.Keys;
import io.conclave.range.client.ConditionFailedException;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Reads and writes keys (UTF-8 text, or hex with --hex), routed to each key's range.",
        subcommands = {KvCommand.Put.class, KvCommand.Get.class, KvCommand.Scan.class, KvCommand.Del.class,
                KvCommand.Cput.class, KvCommand.DelRange.class})
final class KvCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "choose put, get, scan, del, cput or delrange");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The comma-separated {@code --host} list. */
    static java.util.List<String> hosts(String commaSeparated) {
        java.util.List<String> seeds = new java.util.ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) seeds.add(s.trim());
        }
        return seeds;
    }

    /** The node(s) to start from and how keys are spelled. */
    static final class ClientOptions {
        @Option(names = "--host", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "A node of the cluster (several, comma-separated, to fail over).")
        String host;

        @Option(names = "--hex", description = "Keys and values are hex bytes (e.g. 04ff00), and are printed so.")
        boolean hex;

        @Mixin
        SecurityFlags security = new SecurityFlags();

        RangeClient client() {
            return Clients.connect(hosts(host), security.forClient());
        }

        byte[] bytes(String s) {
            if (!hex) return s.getBytes(StandardCharsets.UTF_8);
            try {
                return HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + s + "' is not hex bytes (--hex): " + e.getMessage());
            }
        }

        String print(byte[] b) {
            return hex ? HexFormat.of().formatHex(b) : new String(b, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Writes KEY = VALUE.")
    static final class Put implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        public void run() {
            try (RangeClient c = options.client()) {
                c.put(options.bytes(key), options.bytes(value));
                System.out.println("OK");
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Reads KEY at its range's leaseholder (sees every acknowledged write).")
    static final class Get implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public void run() {
            try (RangeClient c = options.client()) {
                Optional<byte[]> v = c.get(options.bytes(key));
                System.out.println(v.map(options::print).orElse("(not found)"));
            }
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Deletes KEY (no error if absent).")
    static final class Del implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public void run() {
            try (RangeClient c = options.client()) {
                c.delete(options.bytes(key));
                System.out.println("OK");
            }
        }
    }

    @Command(name = "cput", mixinStandardHelpOptions = true,
            description = "Writes KEY = VALUE only if KEY holds EXPECTED (or, with --absent, is absent).")
    static final class Cput implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;
        @Parameters(index = "2", arity = "0..1", paramLabel = "EXPECTED") String expected;
        @Option(names = "--absent", description = "Require KEY to be absent instead of holding EXPECTED.")
        boolean absent;

        @Override
        public void run() {
            if (absent == (expected != null)) {
                throw new IllegalArgumentException("give either EXPECTED or --absent");
            }
            try (RangeClient c = options.client()) {
                c.conditionalPut(options.bytes(key), options.bytes(value),
                        absent ? Optional.empty() : Optional.of(options.bytes(expected)));
                System.out.println("OK");
            } catch (ConditionFailedException e) {
                throw new IllegalStateException("condition failed: " + key + " holds "
                        + e.actual().map(options::print).orElse("nothing (absent)"));
            }
        }
    }

    @Command(name = "delrange", mixinStandardHelpOptions = true, description = "Deletes every key in [FROM, TO).")
    static final class DelRange implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", paramLabel = "FROM") String from;
        @Parameters(index = "1", paramLabel = "TO") String to;

        @Override
        public void run() {
            try (RangeClient c = options.client()) {
                long deleted = c.deleteRange(options.bytes(from), options.bytes(to));
                System.out.println("OK (" + deleted + " keys deleted)");
            }
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Lists keys in [FROM, TO) in key order, across ranges (default: all user keys).")
    static final class Scan implements Runnable {
        @Mixin ClientOptions options;
        @Parameters(index = "0", arity = "0..1", paramLabel = "FROM") String from;
        @Parameters(index = "1", arity = "0..1", paramLabel = "TO") String to;
        @Option(names = "--limit", defaultValue = "100", description = "Most rows to print (default 100).") int limit;

        @Override
        public void run() {
            byte[] start = from == null || from.isEmpty() ? Keys.USER_START : options.bytes(from);
            byte[] end = to == null || to.isEmpty() ? Keys.KEY_MAX : options.bytes(to);
            try (RangeClient c = options.client()) {
                for (KeyValue row : c.scan(start, end, limit)) {
                    System.out.println(options.print(row.key()) + " = " + options.print(row.value()));
                }
            }
        }
    }
}
