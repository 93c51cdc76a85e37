package io.conclave.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.KvRetryException;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.ForwardingSqlTxn;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnStats;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transaction counting between the SQL engine and its store: what it counts, and that it hides nothing. */
class TxnMetricsTest {
    /** A store whose transactions commit in two phases after a 5 ms wait, and whose get conflicts. */
    private static final class ScriptedKv implements SqlKv {
        /** Commits answer as a transaction that wrote nothing (no range). */
        boolean noWrites;

        @Override
        public SqlTxn begin() {
            return new SqlTxn() {
                @Override
                public byte[] get(byte[] key) {
                    throw new KvRetryException("WRITE_TOO_OLD", "conflict on " + key.length + " bytes");
                }

                @Override
                public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
                    return List.of();
                }

                @Override
                public void put(byte[] key, byte[] value) {}

                @Override
                public void delete(byte[] key) {}

                @Override
                public CommitInfo commit() {
                    return noWrites ? new CommitInfo(new Timestamp(10, 0), false, 0, 0)
                            : new CommitInfo(new Timestamp(10, 0), false, 2, 5_000_000);
                }

                @Override
                public void rollback() {}

                @Override
                public Timestamp readTimestamp() {
                    return new Timestamp(1, 0);
                }

                @Override
                public void setCommitWait(boolean commitWait) {}

                @Override
                public TxnStats stats() {
                    return null;
                }

                @Override
                public boolean isReadOnly() {
                    return false;
                }
            };
        }

        @Override
        public SqlTxn beginReadOnly(Timestamp asOf) {
            return begin();
        }

        @Override
        public Timestamp now() {
            return new Timestamp(1, 0);
        }
    }

    @Test
    void commitsRestartsAbortsAndCommitWaitAreCounted() {
        TxnMetrics m = new TxnMetrics();
        ScriptedKv scripted = new ScriptedKv();
        SqlKv kv = m.wrap(scripted);
        SqlTxn committed = kv.begin();
        committed.put(new byte[] {1}, new byte[] {2});
        committed.commit();
        committed.rollback(); // after a commit: a no-op, not an abort
        SqlTxn conflicted = kv.begin();
        assertThrows(KvRetryException.class, () -> conflicted.get(new byte[] {1}));
        conflicted.rollback();
        scripted.noWrites = true;
        kv.begin().commit();
        assertEquals(Map.of("two_phase", 1L, "read_only", 1L), m.commits.values());
        assertEquals(Map.of("WRITE_TOO_OLD", 1L), m.restarts.values());
        assertEquals(1, m.rollbacks.get());
        assertEquals(1, m.commitWait.snapshot().count());
        assertEquals(5_000_000, m.commitWait.snapshot().sumNanos());
    }

    @Test
    void eachCommitsWaitIsHandedToTheListenerOnTheCommittingThread() {
        List<Long> waits = new ArrayList<>();
        SqlKv kv = new TxnMetrics().wrap(new ScriptedKv(), waits::add);
        SqlTxn txn = kv.begin();
        txn.put(new byte[] {1}, new byte[] {2});
        txn.commit();
        SqlTxn conflicted = kv.begin();
        assertThrows(KvRetryException.class, () -> conflicted.get(new byte[] {1}));
        conflicted.rollback();
        assertEquals(List.of(5_000_000L), waits);
    }

    /**
     * The wrappers (or the forwarding base they extend) must implement every method of the
     * interfaces, defaults included: a default left to the interface would run its fallback
     * instead of the inner store's own (as once turned SQL scan pushdown off).
     */
    @Test
    void theWrappersOverrideEveryInterfaceMethod() {
        SqlKv kv = new TxnMetrics().wrap(new ScriptedKv());
        assertOverridesAll(SqlKv.class, kv.getClass());
        assertOverridesAll(SqlTxn.class, kv.begin().getClass());
        assertOverridesAll(SqlTxn.class, ForwardingSqlTxn.class);
    }

    private static void assertOverridesAll(Class<?> api, Class<?> wrapper) {
        for (Method m : api.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) continue;
            try {
                Method impl = wrapper.getMethod(m.getName(), m.getParameterTypes());
                assertTrue(!impl.getDeclaringClass().isInterface(), wrapper.getName() + " leaves " + api.getSimpleName()
                        + "." + m.getName() + " to " + impl.getDeclaringClass().getSimpleName() + "; delegate it");
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
    }
}
