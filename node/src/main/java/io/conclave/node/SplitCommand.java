package io.conclave.node;

import io.conclave.node.client.Clients;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.SplitResult;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Splits the range holding KEY at KEY: the right-hand range [KEY, end) gets a new id on the"
                + " same replicas, the meta records are updated. Prints both ranges and how long it took."})
final class SplitCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "A node of the cluster.")
    String host;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The split key: UTF-8 text, or hex with --hex.")
    String key;

    @Option(names = "--hex", description = "KEY is hexadecimal bytes, e.g. 0461.")
    boolean hex;

    @Override
    public void run() {
        byte[] splitKey = parseKey(key, hex);
        String why = Keys.checkUserKey(splitKey);
        if (why != null) {
            throw new IllegalArgumentException("cannot split at " + Keys.pretty(splitKey) + ": " + why
                    + " (range 1, meta and system, never splits)");
        }
        try (RangeClient client = Clients.connect(List.of(host), security.forClient())) {
            RangeDescriptor holder = client.rangeFor(splitKey);
            if (Arrays.equals(holder.getStartKey().toByteArray(), splitKey)) {
                throw new IllegalStateException(Keys.pretty(splitKey) + " is already the start of "
                        + RangesCommand.describe(holder) + ": nothing to split");
            }
            long startNanos = System.nanoTime();
            SplitResult r = client.split(splitKey);
            long tookMicros = (System.nanoTime() - startNanos) / 1_000;
            System.out.println("left:  " + RangesCommand.describe(r.left()));
            System.out.println("right: " + RangesCommand.describe(r.right()));
            System.out.printf("split took %.1f ms%n", tookMicros / 1000.0);
        }
    }

    static byte[] parseKey(String text, boolean hex) {
        if (!hex) return text.getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().parseHex(text.startsWith("0x") ? text.substring(2) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key '" + text + "' is not hexadecimal bytes: " + e.getMessage());
        }
    }
}
