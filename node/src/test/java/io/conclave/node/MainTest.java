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
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.toString(), "--listen", "127.0.0.1:0",
                "--insecure"));
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
                "--peers", "1=127.0.0.1:1", "--cluster-id", "mine", "--insecure");
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
                "--peers", "1=127.0.0.1:1", "--lease-duration", "400ms", "--max-offset", "250ms", "--insecure"));
        assertTrue(err.toString().contains("--lease-duration (400 ms) must exceed twice --max-offset (500 ms)"),
                err.toString());
    }

    @Test
    void aDrainTimeoutOutsideItsRangeIsRefusedBeforeTheStoreIsTouched() {
        for (String bad : new String[] {"-1s", "6m"}) {
            err.getBuffer().setLength(0);
            assertEquals(2, run("start", "--node-id", "1", "--store", dir.resolve("s").toString(), "--listen",
                    "127.0.0.1:0", "--peers", "1=127.0.0.1:1", "--drain-timeout=" + bad, "--insecure"));
            assertTrue(err.toString().contains("--drain-timeout must be between 0 and 5m, was " + bad), err.toString());
            assertFalse(dir.resolve("s").toFile().exists(), "no store created for a bad --drain-timeout");
        }
    }

    @Test
    void startWithNeitherCertsDirNorInsecureIsRefusedNamingBoth() {
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.resolve("s").toString(), "--listen",
                "127.0.0.1:0", "--peers", "1=127.0.0.1:1"));
        assertTrue(err.toString().contains("--certs-dir") && err.toString().contains("--insecure"), err.toString());
        assertFalse(dir.resolve("s").toFile().exists(), "no store created for bad flags");
    }

    @Test
    void startWithBothCertsDirAndInsecureIsRefused() {
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.resolve("s").toString(), "--listen",
                "127.0.0.1:0", "--peers", "1=127.0.0.1:1", "--insecure", "--certs-dir", dir.toString()));
        assertTrue(err.toString().contains("contradict"), err.toString());
    }

    @Test
    void startWithAnEmptyCertsDirNamesTheMissingFileAndTheCommandThatMakesIt() {
        assertEquals(2, run("start", "--node-id", "1", "--store", dir.resolve("s").toString(), "--listen",
                "127.0.0.1:0", "--peers", "1=127.0.0.1:1", "--certs-dir", dir.resolve("certs").toString()));
        assertTrue(err.toString().contains("ca.crt") && err.toString().contains("conclave cert create-ca"),
                err.toString());
    }

    @Test
    void certVerbsWriteThePemFilesAndRefuseToReplaceTheCa() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, run("cert", "create-ca", "--certs-dir", certs.toString()), err.toString());
        assertEquals(0, run("cert", "create-node", "127.0.0.1", "localhost", "--certs-dir", certs.toString()),
                err.toString());
        assertEquals(0, run("cert", "create-client", "alice", "--certs-dir", certs.toString()), err.toString());
        for (String file : List.of("ca.crt", "ca.key", "node.crt", "node.key", "client.alice.crt", "client.alice.key")) {
            assertTrue(java.nio.file.Files.isRegularFile(certs.resolve(file)), file);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(certs.resolve("node.key"))));
        var node = io.conclave.driver.Pem.readCertificates(certs.resolve("node.crt")).get(0);
        var ca = io.conclave.driver.Pem.readCertificates(certs.resolve("ca.crt")).get(0);
        node.verify(ca.getPublicKey()); // signed by the CA
        assertTrue(node.getSubjectX500Principal().getName().contains("CN=node"), node.getSubjectX500Principal().getName());
        assertEquals(2, node.getSubjectAlternativeNames().size());
        assertEquals(1, run("cert", "create-ca", "--certs-dir", certs.toString()));
        assertTrue(err.toString().contains("exists already"), err.toString());
        assertEquals(2, run("cert", "create-client", "Bad User", "--certs-dir", certs.toString()));
    }
}
