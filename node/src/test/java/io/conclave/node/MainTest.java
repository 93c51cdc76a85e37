package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.storage.Store;
import io.conclave.storage.StoreIdent;
import io.conclave.storage.StoreOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(err, true), args);
    }

    @Test
    void badFlagsGiveOneLineAndExitCode2() {
        assertEquals(2, run("start", "--node-id", "x", "--store", "s", "--listen", "127.0.0.1:0"));
        assertTrue(err.toString().startsWith("conclave: Invalid value for option '--node-id'"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void startNeedsPeersOrJoin() {
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.toString(), "--listen", "127.0.0.1:0"));
        assertTrue(err.toString().contains("--peers"), err.toString());
    }

    @Test
    void unknownVerbAndMissingVerbAreUsageErrors() {
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run());
        assertEquals(2, run("kv", "put", "k", "v"));
        assertTrue(err.toString().contains("--host"), err.toString());
    }

    @Test
    void helpListsTheVerbs() {
        assertEquals(0, run("--help"));
    }

    /** picocli treats descriptions as format strings: a stray '%' garbles the help text. */
    @Test
    void everyVerbsHelpRendersCleanly() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            List<CommandLine> pending = new ArrayList<>(List.of(new CommandLine(new Main())));
            while (!pending.isEmpty()) {
                CommandLine cli = pending.remove(pending.size() - 1);
                String usage = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
                assertFalse(usage.isBlank(), cli.getCommandName());
                pending.addAll(cli.getSubcommands().values());
            }
        } finally {
            System.setErr(original);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("Could not format"), warnings);
    }

    @Test
    void aStoreOfAnotherClusterIsRefusedWithExitCode1() {
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false))) {
            store.writeIdent(new StoreIdent("other", 1));
        }
        int code = run("start", "--node-id", "1", "--store", dir.toString(), "--listen", "127.0.0.1:0",
                "--peers", "1=127.0.0.1:1", "--cluster-id", "mine");
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("other"), err.toString());
    }

    @Test
    void peersWithoutANodeIdIsAUsageError() {
        assertEquals(2, run("start", "--store", dir.toString(), "--listen", "127.0.0.1:0", "--peers", "1=127.0.0.1:1"));
        assertTrue(err.toString().contains("--peers needs --node-id"), err.toString());
    }

    @Test
    void aBadJoinAddressIsAUsageErrorBeforeTheStoreIsTouched() {
        assertEquals(2, run("start", "--store", dir.resolve("s").toString(), "--listen", "127.0.0.1:0",
                "--join", "127.0.0.1:1,nope"));
        assertTrue(err.toString().contains("--join: 'nope' is not HOST:PORT"), err.toString());
        assertFalse(dir.resolve("s").toFile().exists(), "no store created for bad flags");
    }

    @Test
    void clusterVerbsNamingAnUnreachableNodeFailWithExitCode1() {
        for (String verb : List.of("init", "nodes", "ranges")) {
            assertEquals(1, run(verb, "--host", "127.0.0.1:1"), verb);
        }
        assertTrue(err.toString().contains("cannot reach a node at 127.0.0.1:1"), err.toString());
    }

    @Test
    void aLeaseShorterThanTwiceTheMaxOffsetIsRefused() {
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.toString(), "--listen", "127.0.0.1:0",
                "--peers", "1=127.0.0.1:1", "--lease-duration", "400ms", "--max-offset", "250ms"));
        assertTrue(err.toString().contains("--lease-duration (400 ms) must exceed twice --max-offset (500 ms)"),
                err.toString());
    }
}
