package io.conclave.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.conclave.node.rpc.NodeRow;
import io.conclave.node.rpc.RangeRow;
import io.conclave.range.Keys;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void stringsEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.string("a\"b\\c\n\u0001"));
    }

    @Test
    void rangeRowsCarryPrettyAndHexKeysAndNullForUnknownStatus() {
        RangeDescriptor d = RangeDescriptor.newBuilder().setRangeId(2).setStartKey(ByteString.copyFrom(Keys.USER_START))
                .setEndKey(ByteString.copyFrom(Keys.KEY_MAX)).setGeneration(3)
                .addReplicas(ReplicaDescriptor.newBuilder().setNodeId(1))
                .addReplicas(ReplicaDescriptor.newBuilder().setNodeId(4).setLearner(true)).build();
        String json = Json.ranges(1, List.of(RangeRow.newBuilder().setRangeDescriptor(d).build()));
        assertEquals("{\"node_id\":1,\"ranges\":[{\"range_id\":2,\"start_key\":\"\\\\x04\",\"end_key\":\"/Max\","
                + "\"start_key_hex\":\"04\",\"end_key_hex\":\"ffff\",\"generation\":3,\"replicas\":[{\"node_id\":1,"
                + "\"learner\":false},{\"node_id\":4,\"learner\":true}],\"leaseholder\":null,\"size_bytes\":null,"
                + "\"qps\":null}]}", json);
    }

    @Test
    void nodeRowsReportOffsetsOnlyWhenMeasured() {
        String json = Json.nodes(2, List.of(NodeRow.newBuilder().setNodeId(3).setAddress("h:1").setLive(true)
                .setEpoch(2).setExpiresInNanos(8_000_000_000L).setReplicas(5).setLeases(1).build()));
        assertEquals("{\"node_id\":2,\"nodes\":[{\"node_id\":3,\"address\":\"h:1\",\"http_address\":\"\",\"live\":true,"
                + "\"epoch\":2,\"expires_in_ms\":8000,\"replicas\":5,\"leases\":1,\"clock_offset_ms\":null,"
                + "\"clock_offset_error_ms\":null}]}", json);
    }
}
