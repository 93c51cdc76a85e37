package io.conclave.node.http;

import io.conclave.node.rpc.NodeRow;
import io.conclave.node.rpc.RangeRow;
import io.conclave.range.Keys;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of the status pages, written by hand: a handful of flat objects do not justify a
 * JSON library on every node's class path. Keys appear both as {@link Keys#pretty} text (for
 * people) and as hex (for programs), since a key may hold any byte.
 */
public final class Json {
    private Json() {}

    public static String nodes(long answeringNode, List<NodeRow> rows) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode).append(",\"nodes\":[");
        for (int i = 0; i < rows.size(); i++) {
            NodeRow r = rows.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"node_id\":").append(r.getNodeId())
                    .append(",\"address\":").append(string(r.getAddress()))
                    .append(",\"http_address\":").append(string(r.getHttpAddress()))
                    .append(",\"live\":").append(r.getLive())
                    .append(",\"epoch\":").append(r.getEpoch())
                    .append(",\"expires_in_ms\":").append(r.getExpiresInNanos() / 1_000_000)
                    .append(",\"replicas\":").append(r.getReplicas())
                    .append(",\"leases\":").append(r.getLeases())
                    .append(",\"clock_offset_ms\":").append(r.getOffsetKnown() ? millis(r.getOffsetNanos()) : "null")
                    .append(",\"clock_offset_error_ms\":")
                    .append(r.getOffsetKnown() ? millis(r.getOffsetErrorBoundNanos()) : "null")
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    public static String ranges(long answeringNode, List<RangeRow> rows) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode).append(",\"ranges\":[");
        for (int i = 0; i < rows.size(); i++) {
            RangeRow r = rows.get(i);
            RangeDescriptor d = r.getRangeDescriptor();
            sb.append(i == 0 ? "" : ",").append("{\"range_id\":").append(d.getRangeId())
                    .append(",\"start_key\":").append(string(Keys.pretty(d.getStartKey().toByteArray())))
                    .append(",\"end_key\":").append(string(Keys.pretty(d.getEndKey().toByteArray())))
                    .append(",\"start_key_hex\":").append(string(HexFormat.of().formatHex(d.getStartKey().toByteArray())))
                    .append(",\"end_key_hex\":").append(string(HexFormat.of().formatHex(d.getEndKey().toByteArray())))
                    .append(",\"generation\":").append(d.getGeneration())
                    .append(",\"replicas\":[");
            List<ReplicaDescriptor> reps = d.getReplicasList();
            for (int j = 0; j < reps.size(); j++) {
                sb.append(j == 0 ? "" : ",").append("{\"node_id\":").append(reps.get(j).getNodeId())
                        .append(",\"learner\":").append(reps.get(j).getLearner()).append('}');
            }
            sb.append("],\"leaseholder\":").append(r.getStatusKnown() ? Long.toString(r.getLeaseholder()) : "null")
                    .append(",\"size_bytes\":").append(r.getStatusKnown() ? Long.toString(r.getSizeBytes()) : "null")
                    .append(",\"qps\":").append(r.getStatusKnown() ? String.format(Locale.ROOT, "%.2f", r.getQps()) : "null")
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** A JSON string literal. */
    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
