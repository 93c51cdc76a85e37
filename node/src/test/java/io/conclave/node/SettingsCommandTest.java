package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conclave settings} through one node; a coordinator on another node follows the cluster setting. */
class SettingsCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private String run(int expectedExit, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, Main.run(new PrintWriter(err, true), args), err.toString());
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static CommitResult commit(TxnClient txns, String value) {
        Txn t = txns.begin();
        t.put("settings-test".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        return t.commit();
    }

    @Test
    void commitWaitOffThroughOneNodeReachesACoordinatorOnAnother() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1);
                RangeClient viaN2 = cluster.client(2);
                TxnClient onN2 = new TxnClient(viaN2, TxnSettings.builder().build())) {
            cluster.awaitLeader(viaN2, 2);
            String n1 = cluster.hostPort(1);
            assertEquals("on\n", run(0, "settings", "get", "commit_wait", "--host", n1));
            // A commit reports only the wait that outlasted its own Raft round (the wait starts at
            // proposal), so one commit may report none with commit-wait on: look for one that waits.
            assertTrue(commitOnceSettled(onN2, "1", true).commitWaitNanos() > 0, "commit-wait is on by default");

            assertEquals("commit_wait = off\n", run(0, "settings", "set", "commit_wait", "off", "--host", n1));
            assertTrue(run(0, "settings", "list", "--host", cluster.hostPort(3)).startsWith("commit_wait = off  -- "));
            assertTrue(settlesWithoutWaits(onN2, "2"),
                    "the coordinator on n2 follows the cluster setting: ten commits in a row without a wait");

            run(2, "settings", "set", "commit_wait", "sometimes", "--host", n1);
            assertTrue(err.toString().contains("invalid value for cluster setting commit_wait: \"sometimes\""), err.toString());
            run(2, "settings", "get", "no_such_setting", "--host", n1);
            assertTrue(err.toString().contains("unknown cluster setting \"no_such_setting\""), err.toString());

            assertEquals("commit_wait = on (default)\n", run(0, "settings", "set", "commit_wait", "default", "--host", n1));
            assertTrue(commitOnceSettled(onN2, "3", true).commitWaitNanos() > 0, "back to the default");
        }
    }

    /**
     * Whether, within the client's settings refresh interval plus a margin, ten commits in a row
     * report no commit-wait: with commit-wait on, one commit may report none (its wait ran out
     * during its Raft round), but ten in a row do not.
     */
    private static boolean settlesWithoutWaits(TxnClient client, String value) {
        long deadline = System.nanoTime() + TxnClient.SETTINGS_REFRESH_NANOS + 5_000_000_000L;
        int inARow = 0;
        for (int i = 0; System.nanoTime() < deadline; i++) {
            if (commit(client, value + "-" + i).commitWaitNanos() > 0) {
                inARow = 0;
            } else if (++inARow == 10) {
                return true;
            }
        }
        return false;
    }

    /**
     * Commits until a commit waits (or not) as {@code waits} says, for at most the client's
     * settings refresh interval plus a margin; returns the last commit either way, for the caller
     * to assert on.
     */
    private static CommitResult commitOnceSettled(TxnClient client, String value, boolean waits) throws Exception {
        long deadline = System.nanoTime() + TxnClient.SETTINGS_REFRESH_NANOS + 5_000_000_000L;
        while (true) {
            CommitResult r = commit(client, value);
            if ((r.commitWaitNanos() > 0) == waits || System.nanoTime() > deadline) return r;
            Thread.sleep(50);
        }
    }
}
