package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import io.conclave.sql.kv.SqlTxn;
import org.junit.jupiter.api.Test;

/** DROP TABLE and DROP INDEX delete the keys they made unreachable, once they commit. */
class DropTest {
    private final MemoryKv kv = new MemoryKv();
    private final Session s = new SqlEngine(kv, new MemoryAdmin()).openSession();

    private int keys(byte[] prefix) {
        SqlTxn txn = kv.begin();
        try {
            return txn.scan(prefix, KeyEncoding.prefixEnd(prefix), 100_000).size();
        } finally {
            txn.rollback();
        }
    }

    private long tableId(String name) {
        // Descriptor ids count up from the first user id in creation order in a fresh store.
        return TableKeys.FIRST_USER_TABLE_ID + (name.equals("t") ? 0 : 1);
    }

    @Test
    void droppedTablesAndIndexesLeaveNoKeys() {
        s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        s.execute("CREATE TABLE keep (id INT PRIMARY KEY)");
        s.execute("CREATE INDEX t_v ON t (v)");
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES (0, 0)");
        // More rows than one clean-up transaction deletes.
        for (int i = 1; i < Session.CLEAR_BATCH_KEYS + 500; i++) {
            insert.append(", (").append(i).append(", ").append(i % 7).append(")");
        }
        s.execute(insert.toString());
        s.execute("INSERT INTO keep VALUES (1), (2)");
        long t = tableId("t");
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, keys(TableKeys.indexPrefix(t, TableKeys.PRIMARY_INDEX_ID)));
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, keys(TableKeys.indexPrefix(t, 2)));

        s.execute("DROP INDEX t_v");
        assertEquals(0, keys(TableKeys.indexPrefix(t, 2)), "index entries left after DROP INDEX");
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, keys(TableKeys.tablePrefix(t)));

        // Rolled back: nothing is cleared.
        s.execute("BEGIN");
        s.execute("DROP TABLE t");
        s.execute("ROLLBACK");
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, keys(TableKeys.tablePrefix(t)));
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, (int) s.execute("SELECT count(*) FROM t").rows().get(0).get(0).asLong());

        // Committed in an explicit transaction: cleared at COMMIT.
        s.execute("BEGIN");
        s.execute("DROP TABLE t");
        assertEquals(Session.CLEAR_BATCH_KEYS + 500, keys(TableKeys.tablePrefix(t)), "cleared before the commit");
        s.execute("COMMIT");
        assertEquals(0, keys(TableKeys.tablePrefix(t)), "rows left after DROP TABLE");
        assertEquals(2, keys(TableKeys.tablePrefix(tableId("keep"))), "another table's rows were touched");
    }
}
