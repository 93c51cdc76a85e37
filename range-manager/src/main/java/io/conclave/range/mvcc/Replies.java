package io.conclave.range.mvcc;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnRecord;
import java.util.HexFormat;
import java.util.List;

/** Building answers: every KvResponse names the node and its clock; errors say what and where. */
final class Replies {
    private Replies() {}

    static KvResponse.Builder kv(EvalContext ctx) {
        return KvResponse.newBuilder().setNodeId(ctx.nodeId()).setNodeNow(ctx.now().toProto());
    }

    static RangeReply reply(KvResponse.Builder kv) {
        return RangeReply.newBuilder().setKvResponse(kv).build();
    }

    static ErrorResponse.Builder error(ErrorResponse.Code code, long rangeId, String message) {
        return ErrorResponse.newBuilder().setCode(code).setRangeId(rangeId).setMessage(message);
    }

    static ErrorResponse.Builder writeIntent(long rangeId, String what, List<ConflictingIntent> intents) {
        ConflictingIntent first = intents.get(0);
        String message = what + ": " + (intents.size() == 1 ? "key " : intents.size() + " keys, the first ")
                + Keys.pretty(first.getKey().toByteArray()) + " holds an intent of transaction "
                + txnName(first.getTxn().getId()) + " at " + Timestamp.fromProto(first.getTxn().getWriteTs());
        return error(ErrorResponse.Code.WRITE_INTENT, rangeId, message).addAllIntents(intents);
    }

    static ErrorResponse.Builder txnRetry(long rangeId, String message, Timestamp retryTs) {
        return error(ErrorResponse.Code.TXN_RETRY, rangeId, message).setRetryTs(retryTs.toProto());
    }

    static ErrorResponse.Builder aborted(long rangeId, String what, TxnRecord record) {
        return error(ErrorResponse.Code.TXN_ABORTED, rangeId, what + ": transaction "
                + txnName(record.getMeta().getId()) + " is aborted").setTxnRecord(record);
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

    /** A short readable transaction name for messages: the first 4 bytes of its id in hex. */
    static String txnName(ByteString id) {
        // Built for every transactional request (it names the request in errors): no Formatter.
        return HexFormat.of().formatHex(id.substring(0, Math.min(4, id.size())).toByteArray());
    }
}
