package io.conclave.txn.sim;

import static io.conclave.txn.sim.TxnSimTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.txn.ClusterSettings;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import org.junit.jupiter.api.Test;

/** The commit_wait cluster setting, written by one client, followed by another's commits. */
class ClusterSettingsSimTest {
    private static CommitResult twoRangeCommit(TxnClient c, String value) {
        Txn t = c.begin();
        t.put(b("a-cs"), b(value));
        t.put(b("x-cs"), b(value));
        return t.commit();
    }

    private static CommitResult onePhaseCommit(TxnClient c, String value) {
        Txn t = c.begin();
        t.put(b("a-cs1"), b(value));
        return t.commit();
    }

    @Test
    void turningCommitWaitOffOnOneClientReachesAnotherWithinTheRefreshInterval() {
        TxnSimTest.simulateSeeds(3, (sim, seed) -> {
            TxnClient admin = sim.client("admin", TxnSettings.builder().build());
            TxnClient other = sim.client("other", TxnSettings.builder().build());
            assertTrue(twoRangeCommit(other, "1").commitWaitNanos() > 0, "the default is on");

            admin.run(txn -> ClusterSettings.set(txn, ClusterSettings.COMMIT_WAIT, "OFF"));
            assertEquals("off", admin.run(txn -> ClusterSettings.get(txn, ClusterSettings.COMMIT_WAIT)));
            sim.sched.sleep(TxnClient.SETTINGS_REFRESH_NANOS + 1);
            // The first commit past the interval reads the setting again, before it decides.
            assertEquals(0, twoRangeCommit(other, "2").commitWaitNanos());
            assertEquals(0, onePhaseCommit(other, "3").commitWaitNanos());

            // A transaction's own choice wins over the cluster's.
            Txn forced = other.begin();
            forced.setCommitWait(true);
            forced.put(b("a-cs"), b("4"));
            forced.put(b("x-cs"), b("4"));
            assertTrue(forced.commit().commitWaitNanos() > 0);
            // So does a client's.
            TxnClient always = sim.client("always", TxnSettings.builder().commitWait(true).build());
            assertTrue(twoRangeCommit(always, "5").commitWaitNanos() > 0);

            admin.run(txn -> {
                ClusterSettings.reset(txn, ClusterSettings.COMMIT_WAIT);
                return null;
            });
            sim.sched.sleep(TxnClient.SETTINGS_REFRESH_NANOS + 1);
            assertTrue(twoRangeCommit(other, "6").commitWaitNanos() > 0, "reset: back to the default");
        });
    }
}
