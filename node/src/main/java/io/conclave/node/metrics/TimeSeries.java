package io.conclave.node.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent history of a node's load, one point per sample (about a second), for the console's
 * charts: the last {@link #CAPACITY} points, oldest first. Each point is computed from the
 * change in the node's histograms since the previous sample, so it shows that second alone.
 */
public final class TimeSeries {
    /** Points kept: five minutes at one a second. */
    public static final int CAPACITY = 300;

    /**
     * One sample. Latencies are in milliseconds, NaN when nothing happened in the interval.
     *
     * @param sqlQps SQL statements finished per second
     * @param kvQps KV requests (from any node's range client) answered per second
     * @param txnRestartsPerSecond transaction restarts (SQLSTATE 40001 before retries) per second
     */
    public record Point(long atMillis, double sqlQps, double kvQps, double sqlP99Ms, double kvP99Ms,
            double commitWaitP99Ms, double txnRestartsPerSecond) {}

    private final ArrayDeque<Point> points = new ArrayDeque<>();

    synchronized void add(Point p) {
        if (points.size() == CAPACITY) points.removeFirst();
        points.addLast(p);
    }

    public synchronized List<Point> points() {
        return new ArrayList<>(points);
    }

    /** The points taken after {@code sinceMillis}, oldest first: what a poller has not seen yet. */
    public synchronized List<Point> pointsAfter(long sinceMillis) {
        List<Point> out = new ArrayList<>();
        for (Point p : points) {
            if (p.atMillis() > sinceMillis) out.add(p);
        }
        return out;
    }
}
