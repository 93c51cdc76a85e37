package io.conclave.range.client;

import io.conclave.range.Keys;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.SplitRange;
import io.conclave.range.rpc.StatusRequest;
import java.util.Arrays;
import java.util.Optional;

/**
 * The admin split at the leaseholder. A split is not idempotent (a second one at the same key
 * is refused: the key is no longer inside the span), so when its answer is lost the splitter
 * asks the leaseholder's status whether it happened rather than blindly sending it again.
 */
final class Splitter {
    /** Re-plans after the leaseholder said our descriptor was stale (each on its fresh descriptor, when it answers). */
    static final int MAX_STALE_RETRIES = 3;
    /** How the leaseholder words a split planned on a stale descriptor (see Scheduler.splitProblem). */
    private static final java.util.regex.Pattern STALE_DESCRIPTOR =
            java.util.regex.Pattern.compile("not the expected|not strictly inside");

    private final Sender sender;
    private final RangeCache cache;

    Splitter(Sender sender, RangeCache cache) {
        this.sender = sender;
        this.cache = cache;
    }

    SplitResult split(byte[] splitKey, long newRangeId, Deadline deadline) {
        KvException last = null;
        int staleRetries = 0;
        for (int attempt = 0; attempt < Sender.MAX_ATTEMPTS; attempt++) {
            RangeDescriptor d = sender.resolve(splitKey, deadline);
            if (Arrays.equals(d.getStartKey().toByteArray(), splitKey)) {
                throw new KvException(ErrorResponse.Code.BAD_REQUEST, Keys.pretty(splitKey)
                        + " is already the start of range r" + d.getRangeId() + ": nothing to split");
            }
            Sender.Op op = Sender.Op.adminByKey(splitKey, Sender.Idempotence.NOT_IDEMPOTENT,
                    "split r" + d.getRangeId() + " at " + Keys.pretty(splitKey), current -> AdminRequest.newBuilder()
                            .setSplitRange(SplitRange.newBuilder().setRangeId(current.getRangeId())
                                    .setSplitKey(RangeClient.bytes(splitKey)).setNewRangeId(newRangeId)
                                    .setExpectedGeneration(current.getGeneration())).build());
            try {
                Sender.Routed r = sender.call(op, deadline);
                return remember(r.admin().getLeft(), r.admin().getRight(), r.hostPort());
            } catch (KvException e) {
                if (e.code() == ErrorResponse.Code.BAD_REQUEST && staleRetries < MAX_STALE_RETRIES
                        && STALE_DESCRIPTOR.matcher(e.getMessage()).find()) {
                    // Our descriptor was stale (another split or a replica change came first).
                    // Meta may lag the range (a replica change's record is written after it), so
                    // re-plan on the leaseholder's own descriptor when it answers, else on meta's.
                    staleRetries++;
                    Optional<RangeDescriptor> current = leaseholderDescriptor(d.getRangeId(), deadline);
                    cache.evict(d.getRangeId());
                    current.ifPresent(cache::insert);
                    last = e;
                    continue;
                }
                if (e.code() != ErrorResponse.Code.AMBIGUOUS_RESULT) throw e;
                last = e;
            }
            Optional<SplitResult> done = happened(d, splitKey, newRangeId, deadline);
            if (done.isPresent()) return done.get();
            sender.pause(attempt, deadline);
            if (sender.expired(deadline)) break;
        }
        throw last != null ? last : new KvException(ErrorResponse.Code.TIMEOUT, "split at "
                + Keys.pretty(splitKey) + " did not complete");
    }

    /** Range {@code rangeId}'s descriptor as its cached leaseholder has it, if that node answers. */
    private Optional<RangeDescriptor> leaseholderDescriptor(long rangeId, Deadline deadline) {
        Optional<String> holder = cache.leaseholder(rangeId);
        if (holder.isEmpty()) return Optional.empty();
        Optional<AdminResponse> status = status(holder.get(), deadline);
        if (status.isEmpty()) return Optional.empty();
        for (GroupStatus g : status.get().getGroupsList()) {
            if (g.getGroupId() == rangeId && g.hasRangeDescriptor()) return Optional.of(g.getRangeDescriptor());
        }
        return Optional.empty();
    }

    private Optional<AdminResponse> status(String node, Deadline deadline) {
        try {
            return Optional.of(sender.adminOnce(node, AdminRequest.newBuilder()
                    .setStatus(StatusRequest.getDefaultInstance()).build(), deadline));
        } catch (KvException unreachable) {
            return Optional.empty();
        }
    }

    /** Whether the split of {@code d} at {@code key} into {@code newRangeId} took effect, per the leaseholder. */
    private Optional<SplitResult> happened(RangeDescriptor d, byte[] key, long newRangeId, Deadline deadline) {
        Optional<String> holder = cache.leaseholder(d.getRangeId());
        if (holder.isEmpty()) return Optional.empty();
        Optional<AdminResponse> answer = status(holder.get(), deadline);
        if (answer.isEmpty()) return Optional.empty();
        AdminResponse status = answer.get();
        RangeDescriptor left = null;
        RangeDescriptor right = null;
        for (GroupStatus g : status.getGroupsList()) {
            if (g.getGroupId() == d.getRangeId()) left = g.getRangeDescriptor();
            if (g.getGroupId() == newRangeId) right = g.getRangeDescriptor();
        }
        if (left == null || right == null || !Arrays.equals(left.getEndKey().toByteArray(), key)
                || !Arrays.equals(right.getStartKey().toByteArray(), key)) {
            return Optional.empty();
        }
        return Optional.of(remember(left, right, holder.get()));
    }

    private SplitResult remember(RangeDescriptor left, RangeDescriptor right, String holder) {
        cache.insert(left);
        cache.insert(right);
        // The split copied the lease: the left range's holder serves the right one at once.
        cache.setLeaseholder(left.getRangeId(), holder);
        cache.setLeaseholder(right.getRangeId(), holder);
        return new SplitResult(left, right);
    }
}
