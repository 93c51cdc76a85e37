package io.conclave.range.multiraft;

import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeReply;

/** Builders of the frame bodies the scheduler answers with; the caller sets the request id. */
final class Replies {
    private Replies() {}

    static RangeReply error(ErrorResponse.Code code, String message) {
        return RangeReply.newBuilder()
                .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    static RangeReply notLeader(long groupId, int groupCount, long leaderHint, String leaderAddress) {
        ErrorResponse.Builder e = ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.NOT_LEADER)
                .setRangeId(groupId)
                .setMessage(leaderHint == 0
                        ? "group " + groupId + " has no known leader here; try another node"
                        : "group " + groupId + " is led by node " + leaderHint)
                .setLeaderHint(leaderHint);
        if (leaderAddress != null) e.setLeaderAddress(leaderAddress);
        return RangeReply.newBuilder().setError(e).build();
    }

    static RangeReply kv(KvResponse response) {
        return RangeReply.newBuilder().setKvResponse(response).build();
    }

    static RangeReply admin(AdminResponse response) {
        return RangeReply.newBuilder().setAdminResponse(response).build();
    }
}
