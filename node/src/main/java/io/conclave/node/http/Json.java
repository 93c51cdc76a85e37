package io.conclave.node.http;

import io.conclave.node.rpc.NodeRow;
import io.conclave.node.rpc.RangeRow;
import io.conclave.node.cluster.ClusterView;
import io.conclave.node.metrics.TimeSeries;
import io.conclave.node.sql.ActiveStatements;
import io.conclave.range.Keys;
import io.conclave.range.multiraft.SchedulerEvents;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of the status pages, written by hand: a handful of flat objects do not justify a
 * JSON library on every node's class path. Keys appear both as text for people ({@link #readable}:
 * SQL keys as {@code /Table/...}, others as {@link Keys#pretty}) and as hex for programs, since
 * a key may hold any byte.
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
                    .append(",\"start_key\":").append(string(readable(d.getStartKey().toByteArray())))
                    .append(",\"end_key\":").append(string(readable(d.getEndKey().toByteArray())))
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

    /** The SQL statements running on this node, oldest first. */
    public static String statements(long answeringNode, List<ActiveStatements.Running> running, long nowNanos) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode).append(",\"statements\":[");
        for (int i = 0; i < running.size(); i++) {
            ActiveStatements.Running r = running.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(r.id())
                    .append(",\"sql\":").append(string(r.sql()))
                    .append(",\"client\":").append(string(r.client()))
                    .append(",\"started_at_ms\":").append(r.startedAtWallNanos() / 1_000_000)
                    .append(",\"elapsed_ms\":").append(millis(Math.max(0, nowNanos - r.startedAtNanos())))
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    /** The recent splits led by this node, oldest first. */
    public static String splits(long answeringNode, List<SchedulerEvents.Split> splits) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode).append(",\"splits\":[");
        for (int i = 0; i < splits.size(); i++) {
            SchedulerEvents.Split s = splits.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"range_id\":").append(s.rangeId())
                    .append(",\"new_range_id\":").append(s.newRangeId())
                    .append(",\"split_key\":").append(string(readable(s.splitKey())))
                    .append(",\"split_key_hex\":").append(string(HexFormat.of().formatHex(s.splitKey())))
                    .append(",\"at_ms\":").append(s.atWallNanos() / 1_000_000)
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    /**
     * This node's recent load, one row per second: {@code columns} names the values of each row
     * of {@code points}; a latency of an idle second is null.
     */
    public static String timeSeries(long answeringNode, List<TimeSeries.Point> points) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode)
                .append(",\"columns\":[\"at_ms\",\"sql_qps\",\"kv_qps\",\"sql_p99_ms\",\"kv_p99_ms\",")
                .append("\"commit_wait_p99_ms\",\"txn_restarts_per_s\"],\"points\":[");
        for (int i = 0; i < points.size(); i++) {
            TimeSeries.Point p = points.get(i);
            sb.append(i == 0 ? "[" : ",[").append(p.atMillis());
            for (double v : new double[] {p.sqlQps(), p.kvQps(), p.sqlP99Ms(), p.kvP99Ms(), p.commitWaitP99Ms(),
                    p.txnRestartsPerSecond()}) {
                sb.append(',').append(number(v));
            }
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    /** One range: meta's descriptor and each live replica's own report (Raft state, lease, size, load). */
    public static String range(long answeringNode, long rangeId, ClusterView.RangeDetail detail) {
        StringBuilder sb = new StringBuilder("{\"node_id\":").append(answeringNode)
                .append(",\"range_id\":").append(rangeId);
        RangeDescriptor d = detail.descriptor();
        if (d != null) {
            sb.append(",\"start_key\":").append(string(readable(d.getStartKey().toByteArray())))
                    .append(",\"end_key\":").append(string(readable(d.getEndKey().toByteArray())))
                    .append(",\"generation\":").append(d.getGeneration());
        }
        sb.append(",\"leaseholder\":").append(detail.leaseholder() == 0 ? "null" : Long.toString(detail.leaseholder()))
                .append(",\"replicas\":[");
        List<ClusterView.ReplicaState> replicas = detail.replicas();
        for (int i = 0; i < replicas.size(); i++) {
            GroupStatus g = replicas.get(i).status();
            sb.append(i == 0 ? "" : ",").append("{\"node_id\":").append(replicas.get(i).nodeId())
                    .append(",\"raft_leader\":").append(g.getLeader())
                    .append(",\"term\":").append(g.getTerm())
                    .append(",\"commit\":").append(g.getCommit())
                    .append(",\"applied\":").append(g.getApplied())
                    .append(",\"last_index\":").append(g.getLastIndex())
                    .append(",\"voters\":").append(g.getVotersList())
                    .append(",\"learners\":").append(g.getLearnersList())
                    .append(",\"quiesced\":").append(g.getQuiesced())
                    .append(",\"lease_holder\":").append(g.getLease().getHolder())
                    .append(",\"lease_sequence\":").append(g.getLease().getSequence())
                    .append(",\"lease_expiration_ms\":").append(g.getLease().hasExpiration()
                            ? Long.toString(g.getLease().getExpiration().getWallNanos() / 1_000_000) : "null")
                    .append(",\"size_bytes\":").append(g.getSizeBytes())
                    .append(",\"qps\":").append(number(g.getQps()))
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    /**
     * A key for people: a SQL row or index key as {@code /Table/100/1/5} (as SHOW RANGES prints
     * it), any other key as {@link Keys#pretty} does ({@code /Min}, {@code /Max}, escaped bytes).
     */
    static String readable(byte[] key) {
        String sql = TableKeys.pretty(key);
        return sql.startsWith("/Table/") ? sql : Keys.pretty(key);
    }

    /** A JSON number, or null for NaN and infinities (which JSON cannot write). */
    static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
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
