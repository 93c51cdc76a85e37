package io.conclave.node.sql;

import io.conclave.node.metrics.Histogram;
import io.conclave.node.metrics.LabeledCounter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The statements this node's SQL service is running now, for {@code /status/statements}, and
 * the count and latency of those that finished, for {@code /metrics}. A statement is registered
 * by the worker that runs it and removed by the same worker in a {@code finally}, so the set is
 * bounded by the worker pool; the text kept is cut at {@link #MAX_TEXT_CHARS}.
 */
public final class ActiveStatements {
    /** Characters of a statement's text shown; a bulk INSERT can be a megabyte. */
    public static final int MAX_TEXT_CHARS = 1000;

    /**
     * One running statement.
     *
     * @param startedAtWallNanos the node's wall clock when it started, for people
     * @param startedAtNanos {@link System#nanoTime} when it started, for its elapsed time
     */
    public record Running(long id, String sql, String client, long startedAtWallNanos, long startedAtNanos) {}

    private final ConcurrentHashMap<Long, Running> running = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final LabeledCounter finished = new LabeledCounter("result");
    private final Histogram latency = Histogram.latency();

    /** Notes a statement starting; the answer is the id to {@link #finish} it with. */
    long start(String sql, String client, long wallNanos, long nanos) {
        long id = nextId.incrementAndGet();
        String text = sql.length() > MAX_TEXT_CHARS ? sql.substring(0, MAX_TEXT_CHARS) + "…" : sql;
        running.put(id, new Running(id, text, client, wallNanos, nanos));
        return id;
    }

    /** Notes a statement finished; {@code sqlState} is null on success. */
    void finish(long id, long nanos, String sqlState) {
        Running r = running.remove(id);
        if (r == null) return;
        latency.recordNanos(nanos - r.startedAtNanos());
        finished.increment(sqlState == null ? "ok" : "error");
    }

    /** The statements running now, oldest first. */
    public List<Running> running() {
        List<Running> out = new ArrayList<>(running.values());
        out.sort(Comparator.comparingLong(Running::id));
        return out;
    }

    /** Finished statements by result (ok, error). */
    public LabeledCounter finished() {
        return finished;
    }

    /** Latency of finished statements, from the worker taking them to the answer being ready. */
    public Histogram latency() {
        return latency;
    }
}
