package io.conclave.range.multiraft;

import io.conclave.clock.CommitWaitResult;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.RangeReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A client request the scheduler has accepted and not yet answered. Answered exactly once: by its
 * result, by an error, or by TIMEOUT (AMBIGUOUS_RESULT once proposed) when {@code deadlineTick}
 * passes before its command applied. Answered on the scheduler
 * thread, except after a commit-wait (a timer thread): hence the lock.
 */
final class Pending {
    private final Consumer<RangeReply> reply;
    final long deadlineTick;
    /** Read by the scheduler thread; set under the lock (a commit-wait answers from a timer thread). */
    private volatile boolean answered;
    /** Parked in a replica's waiting list at least once, so its deadline is already registered. */
    boolean parked;
    /**
     * Its command applied and only the answer waits (a commit's commit-wait, which always ends):
     * its deadline no longer makes it ambiguous. Scheduler thread only.
     */
    boolean applied;

    /** A commit-wait for {@code ts}, started at {@code startNanos} when its commit was proposed. */
    record EarlyCommitWait(Timestamp ts, CompletableFuture<CommitWaitResult> future, long startNanos) {
        /** Whether this wait, when it ends, has every clock past {@code commitTs}. */
        boolean covers(Timestamp commitTs) {
            return commitTs.compareTo(ts) <= 0;
        }
    }

    /** See Scheduler.startCommitWaitEarly; null when none was started. Scheduler thread only. */
    EarlyCommitWait earlyCommitWait;

    Pending(Consumer<RangeReply> reply, long deadlineTick) {
        this.reply = reply;
        this.deadlineTick = deadlineTick;
    }

    boolean answered() {
        return answered;
    }

    synchronized void answer(RangeReply frame) {
        if (answered) return;
        answered = true;
        reply.accept(frame);
    }

    void fail(ErrorResponse.Code code, String message) {
        answer(Replies.error(code, message));
    }
}
