package io.conclave.range;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.Lease;

/**
 * The rules of expiration-based range leases, as pure functions of the lease, the node asking
 * and a time read by the caller from its hybrid logical clock. No clock is read here.
 *
 * <p>A lease {@code [start, expiration)} lets its holder serve reads from its own store without a
 * Raft round. That is safe only if no two holders ever serve at the same time, whatever their
 * clocks say within the cluster's maximum offset:
 * <ul>
 *   <li>the holder serves only while {@code start <= now < expiration - maxOffset}: the last
 *       {@code maxOffset} is a <em>stasis</em> in which it neither serves nor may anyone else
 *       start, since another node's clock may already read past the expiration;</li>
 *   <li>a new holder's lease starts at or after {@code previous.expiration + maxOffset}, so on
 *       no clock does it overlap the previous lease;</li>
 *   <li>the one exception is a transfer, proposed by the holder itself after it stopped serving:
 *       the new lease may start at once;</li>
 *   <li>every request names the lease it replaces ({@link #applyProblem}); of two racing
 *       requests only the first to apply wins, the other is refused, so an extension and a
 *       transfer can never both take effect.</li>
 * </ul>
 * A new holder gets the next sequence; the same holder extending its lease keeps it, so the
 * writes it proposed under the lease still apply. Writes carry the sequence they were proposed
 * under and are refused at apply under any other.
 */
public final class LeaseRules {
    /** Where a lease stands at some time, from anyone's point of view. */
    public enum Status {
        /** No lease was ever granted. */
        NONE,
        /** Before {@code expiration - maxOffset}: its holder may serve (once {@code start} is reached). */
        VALID,
        /** In the last {@code maxOffset} before expiration: nobody serves, nobody else may start. */
        STASIS,
        /** Past its expiration: another node may acquire a lease starting after {@code expiration + maxOffset}. */
        EXPIRED
    }

    private LeaseRules() {}

    public static Status status(Lease lease, Timestamp now, long maxOffsetNanos) {
        if (lease.getHolder() == 0) return Status.NONE;
        long expiration = lease.getExpiration().getWallNanos();
        if (now.wallNanos() >= expiration) return Status.EXPIRED;
        if (now.wallNanos() >= expiration - maxOffsetNanos) return Status.STASIS;
        return Status.VALID;
    }

    /** Whether {@code node} may serve under {@code lease} at {@code now}. */
    public static boolean canServe(Lease lease, long node, Timestamp now, long maxOffsetNanos) {
        return lease.getHolder() == node && node != 0 && status(lease, now, maxOffsetNanos) == Status.VALID
                && now.wallNanos() >= lease.getStart().getWallNanos();
    }

    /** Whether a node other than the holder may ask for a lease now (the current one is none or over). */
    public static boolean othersMayAcquire(Lease lease, Timestamp now, long maxOffsetNanos) {
        Status s = status(lease, now, maxOffsetNanos);
        return s == Status.NONE || s == Status.EXPIRED || s == Status.STASIS;
    }

    /**
     * The lease {@code requester} asks for at {@code now}: an extension of its own lease (same
     * start and sequence, expiration moved to {@code now + duration}), or a new lease with the
     * next sequence that starts no earlier than {@code current.expiration + maxOffset}.
     */
    public static Lease acquire(Lease current, long requester, Timestamp now, long durationNanos, long maxOffsetNanos) {
        check(requester > 0, "the requesting node id must be positive, was %s", requester);
        check(durationNanos > maxOffsetNanos, "lease duration %s ns must exceed the max offset %s ns", durationNanos,
                maxOffsetNanos);
        if (current.getHolder() == requester) {
            long expiration = Math.max(current.getExpiration().getWallNanos(), now.wallNanos() + durationNanos);
            boolean lapsed = now.wallNanos() >= current.getExpiration().getWallNanos();
            Timestamp start = lapsed ? now : Timestamp.fromProto(current.getStart());
            return current.toBuilder().setStart(start.toProto())
                    .setExpiration(new Timestamp(expiration, 0).toProto()).build();
        }
        long start = now.wallNanos();
        if (current.getHolder() != 0) {
            start = Math.max(start, current.getExpiration().getWallNanos() + maxOffsetNanos);
        }
        return Lease.newBuilder().setHolder(requester).setStart(new Timestamp(start, 0).toProto())
                .setExpiration(new Timestamp(start + durationNanos, 0).toProto())
                .setSequence(current.getSequence() + 1).build();
    }

    /**
     * The lease a holder hands to {@code toNode} at {@code now}: starting at once (the holder
     * stopped serving before proposing it), with the next sequence.
     */
    public static Lease transfer(Lease current, long toNode, Timestamp now, long durationNanos) {
        return transfer(current, toNode, now, durationNanos, Timestamp.MIN);
    }

    /**
     * As {@link #transfer(Lease, long, Timestamp, long)}, naming the old holder's highest
     * timestamp-cache entry ({@code readsBelow}, MIN: none): a claiming read may have recorded a
     * key above the holder's clock, hence above the new lease's start, and the new holder's
     * timestamp cache must begin above it ({@link #readsBelow}).
     */
    public static Lease transfer(Lease current, long toNode, Timestamp now, long durationNanos, Timestamp readsBelow) {
        check(toNode > 0 && toNode != current.getHolder(), "cannot transfer the lease of node %s to node %s",
                current.getHolder(), toNode);
        Lease.Builder b = Lease.newBuilder().setHolder(toNode).setStart(now.toProto())
                .setExpiration(now.addNanos(durationNanos).toProto()).setSequence(current.getSequence() + 1);
        if (readsBelow.isAfter(now)) b.setReadsBelow(readsBelow.toProto());
        return b.build();
    }

    /**
     * Where the timestamp cache of a new holder of {@code lease} begins: its start, or the
     * highest read its predecessor recorded when it handed the lease over, if higher. A lease
     * taken after expiry needs no more: it starts at or after the old expiration plus the max
     * offset, and the old holder capped every claim at its expiration minus the max offset.
     */
    public static Timestamp readsBelow(Lease lease) {
        Timestamp start = lease.hasStart() ? Timestamp.fromProto(lease.getStart()) : Timestamp.MIN;
        return lease.hasReadsBelow() ? Timestamp.max(start, Timestamp.fromProto(lease.getReadsBelow())) : start;
    }

    /** Whether {@code holder} should extend its lease now: less than half its duration is left. */
    public static boolean shouldRenew(Lease lease, long holder, Timestamp now, long durationNanos) {
        return lease.getHolder() == holder && lease.getExpiration().getWallNanos() - now.wallNanos() < durationNanos / 2;
    }

    /**
     * Null if {@code proposed}, asked for by {@code proposer} as the successor of
     * {@code expectedPrevious}, may replace {@code current} at apply; else why not. Deterministic:
     * every replica decides the same from the same log.
     */
    public static String applyProblem(Lease current, Lease expectedPrevious, Lease proposed, long proposer,
            long maxOffsetNanos) {
        if (!current.equals(expectedPrevious)) {
            return "the lease changed since the request was made (now held by node " + current.getHolder()
                    + ", sequence " + current.getSequence() + ")";
        }
        if (proposed.getHolder() == 0) return "a lease needs a holder";
        if (proposed.getExpiration().getWallNanos() <= proposed.getStart().getWallNanos()) {
            return "the lease ends before it starts";
        }
        if (proposed.getHolder() == current.getHolder()) {
            return proposed.getSequence() == current.getSequence() ? null
                    : "an extension must keep the sequence " + current.getSequence();
        }
        if (proposed.getSequence() != current.getSequence() + 1) {
            return "a new holder's lease must have sequence " + (current.getSequence() + 1);
        }
        boolean transfer = current.getHolder() != 0 && proposer == current.getHolder();
        if (!transfer && current.getHolder() != 0
                && proposed.getStart().getWallNanos() < current.getExpiration().getWallNanos() + maxOffsetNanos) {
            return "the lease of node " + proposed.getHolder() + " would start before the previous lease of node "
                    + current.getHolder() + " ended plus the max offset";
        }
        return null;
    }

    private static void check(boolean ok, String format, Object... args) {
        if (!ok) throw new IllegalArgumentException(String.format(format, args));
    }
}
