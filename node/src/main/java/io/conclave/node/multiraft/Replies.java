package io.conclave.node.multiraft;

import io.conclave.node.rpc.AdminResponse;
import io.conclave.node.rpc.ErrorResponse;
import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.KvResponse;

/** Builders of the frame bodies the scheduler answers with; the caller sets the request id. */
final class Replies {
    private Replies() {}

    static Frame error(ErrorResponse.Code code, String message) {
        return Frame.newBuilder()
                .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    static Frame notLeader(long groupId, int groupCount, long leaderHint, String leaderAddress) {
        ErrorResponse.Builder e = ErrorResponse.newBuilder()
                .setCode(ErrorResponse.Code.NOT_LEADER)
                .setGroupId(groupId)
                .setGroupCount(groupCount)
                .setMessage(leaderHint == 0
                        ? "group " + groupId + " has no known leader here; try another node"
                        : "group " + groupId + " is led by node " + leaderHint)
                .setLeaderHint(leaderHint);
        if (leaderAddress != null) e.setLeaderAddress(leaderAddress);
        return Frame.newBuilder().setError(e).build();
    }

    static Frame kv(KvResponse response) {
        return Frame.newBuilder().setKvResponse(response).build();
    }

    static Frame admin(AdminResponse response) {
        return Frame.newBuilder().setAdminResponse(response).build();
    }
}
