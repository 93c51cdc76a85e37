package io.conclave.range.multiraft;

import io.conclave.range.Keys;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import java.util.List;

/** Builders of the frame bodies the scheduler answers with; the caller sets the request id. */
final class Replies {
    private Replies() {}

    static RangeReply error(ErrorResponse.Code code, String message) {
        return RangeReply.newBuilder()
                .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    /** Raft-level: membership changes and leader transfers go to the Raft leader. */
    static RangeReply notLeader(long rangeId, long leaderHint, String leaderAddress) {
        ErrorResponse.Builder e = ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.NOT_LEADER)
                .setRangeId(rangeId)
                .setMessage(leaderHint == 0
                        ? "range " + rangeId + " has no known Raft leader here; try another node"
                        : "range " + rangeId + " is led by node " + leaderHint)
                .setLeaderHint(leaderHint);
        if (leaderAddress != null) e.setLeaderAddress(leaderAddress);
        return RangeReply.newBuilder().setError(e).build();
    }

    /** KV and range admin: only the leaseholder serves; {@code hint} is the holder or the leader. */
    static RangeReply notLeaseholder(long localNode, long rangeId, long hint, String hintAddress) {
        ErrorResponse.Builder e = ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.NOT_LEASEHOLDER)
                .setRangeId(rangeId)
                .setMessage(hint == 0 || hint == localNode
                        ? "node " + localNode + " does not hold the lease of range " + rangeId
                                + " and knows no holder; retry here or try another node"
                        : "node " + localNode + " does not hold the lease of range " + rangeId + "; try node " + hint)
                .setLeaderHint(hint);
        if (hintAddress != null) e.setLeaderAddress(hintAddress);
        return RangeReply.newBuilder().setError(e).build();
    }

    static RangeReply rangeNotFound(long localNode, long rangeId, String why) {
        return RangeReply.newBuilder().setError(ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.RANGE_NOT_FOUND)
                .setRangeId(rangeId)
                .setMessage("node " + localNode + " has no replica of range " + rangeId
                        + (why.isEmpty() ? "" : " " + why) + "; refresh the range cache and try another node"))
                .build();
    }

    static RangeReply keyMismatch(long localNode, RangeDescriptor mine, List<RangeDescriptor> holders, String what) {
        ErrorResponse.Builder e = ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.RANGE_KEY_MISMATCH)
                .setRangeId(mine.getRangeId())
                .setMessage(what + " is outside range " + mine.getRangeId() + " [" + Keys.pretty(
                        mine.getStartKey().toByteArray()) + ", " + Keys.pretty(mine.getEndKey().toByteArray())
                        + ") (generation " + mine.getGeneration() + ") on node " + localNode
                        + "; refresh the range cache with the descriptors attached")
                .addDescriptors(mine);
        for (RangeDescriptor d : holders) {
            if (d.getRangeId() != mine.getRangeId()) e.addDescriptors(d);
        }
        return RangeReply.newBuilder().setError(e).build();
    }

    static RangeReply kv(KvResponse response) {
        return RangeReply.newBuilder().setKvResponse(response).build();
    }

    static RangeReply admin(AdminResponse response) {
        return RangeReply.newBuilder().setAdminResponse(response).build();
    }
}
