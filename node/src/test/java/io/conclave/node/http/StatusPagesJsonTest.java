package io.conclave.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.node.metrics.TimeSeries;
import io.conclave.range.Keys;
import io.conclave.range.multiraft.SchedulerEvents;
import io.conclave.sql.Value;
import io.conclave.sql.encoding.TableKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of the console's pages: splits, load history and readable keys. */
class StatusPagesJsonTest {
    @Test
    void splitKeysReadAsSqlWhenTheyAreSqlKeys() {
        byte[] sqlKey = TableKeys.key(100, 1, List.of(Value.ofInt(100)));
        assertEquals("/Table/100/1/100", Json.readable(sqlKey));
        assertEquals("/Max", Json.readable(Keys.KEY_MAX));
        assertEquals(Keys.pretty(new byte[] {'m'}), Json.readable(new byte[] {'m'}));
        String json = Json.splits(2, List.of(new SchedulerEvents.Split(5, 9, sqlKey, 1_700_000_000_123_000_000L)));
        assertEquals("{\"node_id\":2,\"splits\":[{\"range_id\":5,\"new_range_id\":9,\"split_key\":\"/Table/100/1/100\","
                + "\"split_key_hex\":\"" + java.util.HexFormat.of().formatHex(sqlKey) + "\",\"at_ms\":1700000000123}]}",
                json);
    }

    @Test
    void idleSecondsHaveNullLatencies() {
        String json = Json.timeSeries(1, List.of(new TimeSeries.Point(1000, 2.5, 10, Double.NaN, 0.25, Double.NaN, 0)));
        assertEquals("{\"node_id\":1,\"columns\":[\"at_ms\",\"sql_qps\",\"kv_qps\",\"sql_p99_ms\",\"kv_p99_ms\","
                + "\"commit_wait_p99_ms\",\"txn_restarts_per_s\"],\"points\":[[1000,2.500,10.000,null,0.250,null,0.000]]}",
                json);
    }
}
