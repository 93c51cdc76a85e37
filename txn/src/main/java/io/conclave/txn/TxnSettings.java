package io.conclave.txn;

import java.time.Duration;

/**
 * The limits of a {@link TxnClient}, validated together when built. Use {@link #builder()};
 * {@link #defaults()} is the builder's starting point.
 */
public final class TxnSettings {
    /** Above this many attempts a workload is livelocked, not unlucky. */
    static final int MAX_ATTEMPTS_LIMIT = 1000;
    /** Below this the heartbeat would flood the record's range; above half the expiration (5 s) records expire. */
    static final Duration MIN_HEARTBEAT = Duration.ofMillis(10);
    static final Duration MAX_HEARTBEAT = Duration.ofMillis(2500);

    private final int maxAttempts;
    /** Null: each transaction follows the cluster setting {@link ClusterSettings#COMMIT_WAIT}. */
    private final Boolean commitWait;
    private final Duration heartbeatInterval;
    private final Duration maxOffset;
    private final Duration deadline;
    private final int maxBufferedWrites;
    private final int maxReadSpans;

    private TxnSettings(Builder b) {
        if (b.maxAttempts < 1 || b.maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("maxAttempts must be in [1, " + MAX_ATTEMPTS_LIMIT + "], was "
                    + b.maxAttempts);
        }
        positive("maxOffset", b.maxOffset);
        positive("deadline", b.deadline);
        positive("heartbeatInterval", b.heartbeatInterval);
        if (b.heartbeatInterval.compareTo(MIN_HEARTBEAT) < 0 || b.heartbeatInterval.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("heartbeatInterval must be in [" + MIN_HEARTBEAT + ", " + MAX_HEARTBEAT
                    + "] (records expire 5 s after their last heartbeat), was " + b.heartbeatInterval);
        }
        if (b.maxBufferedWrites < 1) throw new IllegalArgumentException("maxBufferedWrites must be >= 1");
        if (b.maxReadSpans < 1) throw new IllegalArgumentException("maxReadSpans must be >= 1");
        this.maxAttempts = b.maxAttempts;
        this.commitWait = b.commitWait;
        this.heartbeatInterval = b.heartbeatInterval;
        this.maxOffset = b.maxOffset;
        this.deadline = b.deadline;
        this.maxBufferedWrites = b.maxBufferedWrites;
        this.maxReadSpans = b.maxReadSpans;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 10 attempts, commit-wait as the cluster setting says, heartbeat every 1 s, 250 ms max offset, 30 s per transaction. */
    public static TxnSettings defaults() {
        return builder().build();
    }

    /** How many attempts {@link TxnClient#run} makes before it gives up with the last retryable error. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Whether every read-write commit of this client is acknowledged only once its timestamp is
     * below every clock of the cluster (strict serializability; off: serializable only, commits
     * return sooner). Empty (the default): the cluster setting {@link ClusterSettings#COMMIT_WAIT}
     * decides, unless a transaction overrides it with {@link Txn#setCommitWait}.
     */
    public java.util.Optional<Boolean> commitWaitOverride() {
        return java.util.Optional.ofNullable(commitWait);
    }

    /** How often a coordinator heartbeats its record while it commits across ranges. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * The cluster's maximum clock offset (the width of a transaction's uncertainty window and of a
     * one-phase commit's commit-wait) until a node reports its {@code --max-offset}, which then wins.
     */
    public Duration maxOffset() {
        return maxOffset;
    }

    /** How long one transaction attempt may take in all, waiting on conflicts included. */
    public Duration deadline() {
        return deadline;
    }

    /** Distinct keys one transaction may write: its writes are buffered in memory until commit. */
    public int maxBufferedWrites() {
        return maxBufferedWrites;
    }

    /** Keys plus spans one transaction may read: they are kept for refreshes until commit. */
    public int maxReadSpans() {
        return maxReadSpans;
    }

    @Override
    public String toString() {
        return "TxnSettings[maxAttempts=" + maxAttempts + ", commitWait=" + commitWait + ", heartbeatInterval="
                + heartbeatInterval + ", maxOffset=" + maxOffset + ", deadline=" + deadline + ", maxBufferedWrites="
                + maxBufferedWrites + ", maxReadSpans=" + maxReadSpans + "]";
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }

    /** Starts from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private int maxAttempts = 10;
        private Boolean commitWait;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration maxOffset = Duration.ofMillis(250);
        private Duration deadline = Duration.ofSeconds(30);
        private int maxBufferedWrites = 100_000;
        private int maxReadSpans = 100_000;

        private Builder() {}

        public Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        /** Overrides the cluster setting {@link ClusterSettings#COMMIT_WAIT} for every transaction of the client. */
        public Builder commitWait(boolean on) {
            this.commitWait = on;
            return this;
        }

        public Builder heartbeatInterval(Duration d) {
            this.heartbeatInterval = d;
            return this;
        }

        public Builder maxOffset(Duration d) {
            this.maxOffset = d;
            return this;
        }

        public Builder deadline(Duration d) {
            this.deadline = d;
            return this;
        }

        public Builder maxBufferedWrites(int n) {
            this.maxBufferedWrites = n;
            return this;
        }

        public Builder maxReadSpans(int n) {
            this.maxReadSpans = n;
            return this;
        }

        public TxnSettings build() {
            return new TxnSettings(this);
        }
    }
}
