package io.conclave.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad flags are refused before any node starts, with a message naming the flag. */
final class TxnBenchCommandTest {
    private static String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TxnBenchCommand()).setErr(new PrintWriter(err));
        assertEquals(2, cli.execute(args), "exit code for " + String.join(" ", args));
        return err.toString();
    }

    @Test
    void refusesBadFlagsBeforeStartingACluster() {
        assertTrue(refusal("--threads", "0").contains("--threads"));
        assertTrue(refusal("--keys", "1").contains("--keys"));
        assertTrue(refusal("--duration", "0s").contains("--duration"));
        assertTrue(refusal("--ranges", "1").contains("--ranges >= 2"));
        assertTrue(refusal("--scenarios", "three").contains("three"));
    }
}
