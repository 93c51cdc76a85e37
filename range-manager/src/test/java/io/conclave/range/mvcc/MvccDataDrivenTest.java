package io.conclave.range.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.Intent;
import io.conclave.range.rpc.KeySpan;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnRefresh;
import io.conclave.range.rpc.TxnStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Files of commands and expected answers in {@code testdata/} beside this class: each case is
 * a command line, a line {@code ----}, the expected output and a blank line. Run with
 * {@code -Dmvcc.rewrite=true} to write the actual outputs back (then read the diff).
 *
 * <p>Commands (timestamps are wall nanos, {@code W.L} with a logical part; txn=N names a
 * transaction declared with {@code txn}):
 * <pre>
 *   txn n=N ts=T [min=T] [anchor=K] [epoch=E]     declare or change transaction N
 *   ctx [floor=T] [lease=T] [gc=T]                the leaseholder's decisions for later commands
 *   put k=K v=V now=T | del k=K now=T | get k=K now=T | scan from=K to=K [limit=N] now=T
 *   txn_get k=K read=T [txn=N] [unc=T] [obs=T] now=T
 *   txn_scan from=K to=K [limit=N] read=T [txn=N] [unc=T] [obs=T] now=T
 *   prepare txn=N [one_phase] now=T K=V ... (K=- deletes)
 *   heartbeat txn=N now=T | end txn=N commit|rollback [ts=T] [resolve=K,K] now=T
 *   push pushee=N [pusher=N] type=timestamp|abort|touch to=T now=T
 *   resolve txn=N status=committed|aborted|pending [ts=T] keys=K,K now=T
 *   refresh txn=N from=T to=T [keys=K,K] [span=K-K] now=T
 *   gc threshold=T [from=K] [max=N] now=T
 *   dump                                          the store, decoded
 * </pre>
 */
class MvccDataDrivenTest {
    private static final Path DIR = Path.of("src/test/java/io/conclave/range/mvcc/testdata");
    private static final boolean REWRITE = Boolean.getBoolean("mvcc.rewrite");

    @TestFactory
    Stream<DynamicTest> testdata() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> runFile(p)));
        }
    }

    private static void runFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Runner runner = new Runner();
        StringBuilder rewritten = new StringBuilder();
        List<String> mismatches = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.append(line).append('\n');
                i++;
                continue;
            }
            int commandLine = i + 1;
            String command = line;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException(file + ":" + commandLine + ": expected ---- after the command");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) expected.append(lines.get(i++)).append('\n');
            String actual = runner.run(command);
            if (!actual.equals(expected.toString())) {
                mismatches.add(file.getFileName() + ":" + commandLine + ": " + command + "\nexpected:\n" + expected
                        + "actual:\n" + actual);
            }
            rewritten.append(command).append("\n----\n").append(actual);
        }
        if (REWRITE) {
            Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
        } else {
            assertEquals(List.of(), mismatches, String.join("\n", mismatches));
        }
    }

    /** Interprets commands against one range [USER_START, KEY_MAX). */
    private static final class Runner {
        final Harness h = new Harness(100);
        final Map<Integer, TxnMeta> txns = new HashMap<>();

        String run(String line) {
            String[] words = line.trim().split("\\s+");
            Map<String, String> args = new java.util.LinkedHashMap<>();
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                args.put(eq < 0 ? words[w] : words[w].substring(0, eq), eq < 0 ? "" : words[w].substring(eq + 1));
            }
            Timestamp now = args.containsKey("now") ? ts(args.remove("now")) : Timestamp.MIN;
            KvRequest.Builder req = KvRequest.newBuilder();
            switch (words[0]) {
                case "txn" -> {
                    int n = Integer.parseInt(args.get("n"));
                    byte[] id = new byte[16];
                    id[0] = (byte) (0x10 * n);
                    id[15] = (byte) n;
                    TxnMeta.Builder t = txns.containsKey(n) ? txns.get(n).toBuilder()
                            : TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setAnchorKey(Harness.b("a"));
                    if (args.containsKey("ts")) t.setWriteTs(tsp(args.get("ts")));
                    t.setMinTs(args.containsKey("min") ? tsp(args.get("min")) : txns.containsKey(n) ? t.getMinTs() : t.getWriteTs());
                    if (args.containsKey("anchor")) t.setAnchorKey(Harness.b(args.get("anchor")));
                    if (args.containsKey("epoch")) t.setEpoch(Integer.parseInt(args.get("epoch")));
                    txns.put(n, t.build());
                    return "";
                }
                case "ctx" -> {
                    if (args.containsKey("floor")) h.writeFloor = ts(args.get("floor"));
                    if (args.containsKey("lease")) h.leaseStart = ts(args.get("lease"));
                    if (args.containsKey("gc")) h.gcThreshold = ts(args.get("gc"));
                    return "";
                }
                case "dump" -> {
                    return dump();
                }
                case "put" -> req.setPut(io.conclave.range.rpc.KvPut.newBuilder().setKey(Harness.b(args.get("k")))
                        .setValue(Harness.b(args.get("v"))));
                case "del" -> req.setDelete(io.conclave.range.rpc.KvDelete.newBuilder().setKey(Harness.b(args.get("k"))));
                case "get" -> req.setGet(io.conclave.range.rpc.KvGet.newBuilder().setKey(Harness.b(args.get("k"))));
                case "scan" -> req.setScan(io.conclave.range.rpc.KvScan.newBuilder().setStartKey(Harness.b(args.get("from")))
                        .setEndKey(Harness.b(args.get("to"))).setLimit(Integer.parseInt(args.getOrDefault("limit", "0"))));
                case "txn_get" -> req.setTxnGet(io.conclave.range.rpc.TxnGet.newBuilder().setKey(Harness.b(args.get("k")))
                        .setRead(read(args)));
                case "txn_scan" -> req.setTxnScan(io.conclave.range.rpc.TxnScan.newBuilder()
                        .setStartKey(Harness.b(args.get("from"))).setEndKey(Harness.b(args.get("to")))
                        .setLimit(Integer.parseInt(args.getOrDefault("limit", "0"))).setRead(read(args)));
                case "prepare" -> {
                    var p = io.conclave.range.rpc.TxnPrepare.newBuilder().setTxn(txn(args.remove("txn")))
                            .setOnePhase(args.remove("one_phase") != null);
                    args.forEach((k, v) -> p.addWrites(v.equals("-")
                            ? io.conclave.range.rpc.TxnWrite.newBuilder().setKey(Harness.b(k)).setTombstone(true)
                            : io.conclave.range.rpc.TxnWrite.newBuilder().setKey(Harness.b(k)).setValue(Harness.b(v))));
                    req.setTxnPrepare(p);
                }
                case "heartbeat" -> req.setTxnHeartbeat(io.conclave.range.rpc.TxnHeartbeat.newBuilder().setTxn(txn(args.get("txn"))));
                case "end" -> {
                    var e = io.conclave.range.rpc.TxnEnd.newBuilder().setTxn(txn(args.get("txn"))).setCommit(args.containsKey("commit"));
                    if (args.containsKey("ts")) e.setCommitTs(tsp(args.get("ts")));
                    for (String k : list(args.get("resolve"))) e.addResolveKeys(Harness.b(k));
                    req.setTxnEnd(e);
                }
                case "push" -> {
                    TxnPush.Builder p = TxnPush.newBuilder().setPushee(txn(args.get("pushee")))
                            .setType(PushType.valueOf("PUSH_" + args.get("type").toUpperCase())).setPushTo(tsp(args.get("to")));
                    if (args.containsKey("pusher")) p.setPusher(txn(args.get("pusher")));
                    req.setTxnPush(p);
                }
                case "resolve" -> {
                    var r = io.conclave.range.rpc.TxnResolve.newBuilder().setTxn(txn(args.get("txn")))
                            .setStatus(TxnStatus.valueOf(args.get("status").toUpperCase()));
                    if (args.containsKey("ts")) r.setCommitTs(tsp(args.get("ts")));
                    for (String k : list(args.get("keys"))) r.addKeys(Harness.b(k));
                    req.setTxnResolve(r);
                }
                case "refresh" -> {
                    TxnRefresh.Builder r = TxnRefresh.newBuilder().setTxn(txn(args.get("txn")))
                            .setFromTs(tsp(args.get("from"))).setToTs(tsp(args.get("to")));
                    for (String k : list(args.get("keys"))) r.addKeys(Harness.b(k));
                    if (args.containsKey("span")) {
                        String[] s = args.get("span").split("-");
                        r.addSpans(KeySpan.newBuilder().setStartKey(Harness.b(s[0])).setEndKey(Harness.b(s[1])));
                    }
                    req.setTxnRefresh(r);
                }
                case "gc" -> req.setMvccGc(MvccGc.newBuilder().setThreshold(tsp(args.get("threshold")))
                        .setStartKey(Harness.b(args.getOrDefault("from", ""))).setMaxKeys(Integer.parseInt(args.getOrDefault("max", "0"))));
                default -> throw new IllegalArgumentException("unknown command " + words[0]);
            }
            Evaluation e = h.run(req, now);
            return render(e.reply()) + (e.readKeys().isEmpty() && e.readSpans().isEmpty() ? ""
                    : "reads " + reads(e) + " at " + show(e.readTs()) + "\n");
        }

        private TxnReadOptions read(Map<String, String> args) {
            return Harness.readAt(args.containsKey("txn") ? txn(args.get("txn")) : null, ts(args.get("read")),
                    args.containsKey("unc") ? ts(args.get("unc")) : null, args.containsKey("obs") ? ts(args.get("obs")) : null);
        }

        private TxnMeta txn(String n) {
            TxnMeta t = txns.get(Integer.parseInt(n));
            if (t == null) throw new IllegalArgumentException("transaction " + n + " is not declared");
            return t;
        }

        private static List<String> list(String csv) {
            return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
        }

        private String reads(Evaluation e) {
            List<String> out = new ArrayList<>();
            e.readKeys().forEach(k -> out.add(Keys.pretty(k)));
            e.readSpans().forEach(s -> out.add("[" + Keys.pretty(s[0]) + "," + Keys.pretty(s[1]) + ")"));
            return String.join(" ", out);
        }

        private String render(RangeReply reply) {
            StringBuilder out = new StringBuilder();
            if (reply.hasError()) {
                ErrorResponse e = reply.getError();
                out.append("error ").append(e.getCode());
                for (ConflictingIntent c : e.getIntentsList()) {
                    out.append(" intent=").append(c.getKey().toStringUtf8()).append(":").append(txnName(c.getTxn()));
                }
                if (e.hasExistingTs()) out.append(" existing=").append(show(e.getExistingTs()));
                if (e.hasRetryTs()) out.append(" retry=").append(show(e.getRetryTs()));
                if (e.getFound()) out.append(" actual=").append(e.getActualValue().toStringUtf8());
                if (e.hasTxnRecord()) out.append(" record=").append(record(e.getTxnRecord()));
                return out.append("\n  ").append(e.getMessage()).append('\n').toString();
            }
            KvResponse r = reply.getKvResponse();
            out.append("ok");
            if (r.getFound()) out.append(" value=").append(r.getValue().toStringUtf8());
            for (KvPair p : r.getPairsList()) out.append(' ').append(p.getKey().toStringUtf8()).append('=').append(p.getValue().toStringUtf8());
            if (!r.getResumeKey().isEmpty()) out.append(" resume=").append(r.getResumeKey().toStringUtf8());
            if (r.getDeleted() != 0) out.append(" deleted=").append(r.getDeleted());
            if (r.hasWriteTs()) out.append(" write_ts=").append(show(r.getWriteTs()));
            if (r.getCommitted()) out.append(" committed");
            if (r.hasTxnRecord()) out.append(" record=").append(record(r.getTxnRecord()));
            if (r.getPushed()) out.append(" pushed");
            if (!r.getGcResumeKey().isEmpty()) out.append(" gc_resume=").append(r.getGcResumeKey().toStringUtf8());
            return out.append('\n').toString();
        }

        private String dump() {
            StringBuilder out = new StringBuilder();
            h.store.map.forEach((k, v) -> {
                MvccKeys.Decoded d = MvccKeys.decode(k);
                out.append(Keys.pretty(d.userKey()));
                try {
                    switch (d.kind()) {
                        case INTENT -> {
                            Intent i = Intent.parseFrom(v);
                            out.append(" intent ").append(txnName(i.getTxn())).append(" at ").append(show(i.getTxn().getWriteTs()))
                                    .append(i.getTombstone() ? " delete" : " = " + i.getValue().toStringUtf8());
                        }
                        case VERSION -> out.append(" @").append(show(d.ts().toProto()))
                                .append(MvccKeys.isTombstone(v) ? " delete" : " = " + new String(MvccKeys.decodeValue(v), StandardCharsets.UTF_8));
                        case RECORD -> out.append(" record ").append(record(TxnRecord.parseFrom(v)));
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
                out.append('\n');
            });
            return out.length() == 0 ? "(empty)\n" : out.toString();
        }

        private static String record(TxnRecord r) {
            return txnName(r.getMeta()) + ":" + r.getStatus() + "@" + show(r.getMeta().getWriteTs())
                    + (r.hasCommitTs() ? ",commit=" + show(r.getCommitTs()) : "")
                    + (r.hasLastHeartbeat() ? ",hb=" + show(r.getLastHeartbeat()) : "");
        }

        private static String txnName(TxnMeta t) {
            return "txn" + (t.getId().isEmpty() ? "?" : t.getId().byteAt(15)) + (t.getEpoch() == 0 ? "" : "e" + t.getEpoch());
        }

        private static Timestamp ts(String s) {
            int dot = s.indexOf('.');
            return dot < 0 ? Timestamp.ofWallNanos(Long.parseLong(s))
                    : new Timestamp(Long.parseLong(s.substring(0, dot)), Integer.parseInt(s.substring(dot + 1)));
        }

        private static TimestampProto tsp(String s) {
            return ts(s).toProto();
        }

        private static String show(TimestampProto p) {
            return show(Timestamp.fromProto(p));
        }

        private static String show(Timestamp t) {
            return t.logical() == 0 ? Long.toString(t.wallNanos()) : t.wallNanos() + "." + t.logical();
        }
    }
}
