package io.conclave.range;

import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The rules that keep meta a tiling of the keyspace: pure functions over descriptors, shared by
 * range 1's apply (which enforces them), the clients that write meta, the maintenance loop's
 * repair and the checks of the range simulation.
 *
 * <p>Meta is a tiling when its records, in key order, are descriptors whose spans follow each
 * other without gap or overlap from {@link Keys#KEY_MIN} to {@link Keys#KEY_MAX}, each stored at
 * {@code Keys.metaKey(its end)}. Bootstrap writes one; every later change is an <em>update</em>:
 * descriptors of contiguous ranges covering some span {@code [s, e)}, which replace the records
 * meta holds inside that span. An update applies, all of it or none of it, only if
 * <ul>
 *   <li>{@code s} and {@code e} are boundaries in meta already ({@code s} is KEY_MIN or a record
 *       is stored at {@code metaKey(s)}; a record is stored at {@code metaKey(e)}): so the records
 *       it displaces cover exactly {@code [s, e)} and meta stays a tiling;</li>
 *   <li>no displaced record is newer than an update record it overlaps (a higher generation).
 *       Ranges only split and change replicas, both raise the generation, and a split's halves
 *       take the left half's new generation: of two overlapping descriptors, the one of the
 *       higher generation is the later state of the keys they share. So a stale or replayed
 *       update never takes meta back.</li>
 * </ul>
 * Without merges a boundary, once made, stays; meta's boundaries are a subset of the true ones
 * (meta lags, never leads), so a true descriptor's span is always inside one record's span, and
 * bringing that record up to date takes descriptors for the whole of the record's span
 * ({@link #chain}). An update refused because meta is coarser than it (a split whose meta update
 * was lost, then a split of its right half) waits for a repair that has the missing neighbours.
 */
public final class MetaRecords {
    /**
     * Most records one update writes. A split writes two; a repair writes one record's span in
     * the pieces its ranges split into since, which a lost meta update or two leaves at a few.
     * Bounds the Raft entry and the records range 1 reads to apply it.
     */
    public static final int MAX_RECORDS_PER_UPDATE = 64;

    private MetaRecords() {}

    /** Null if {@code update} is well formed (contiguous, in key order, within bounds), else why not. */
    public static String checkUpdate(List<RangeDescriptor> update) {
        if (update.isEmpty()) return "meta_updates needs at least one range descriptor";
        if (update.size() > MAX_RECORDS_PER_UPDATE) {
            return "too large: meta_updates of " + update.size() + " records; the limit is " + MAX_RECORDS_PER_UPDATE;
        }
        for (int i = 0; i < update.size(); i++) {
            RangeDescriptor d = update.get(i);
            byte[] start = d.getStartKey().toByteArray();
            byte[] end = d.getEndKey().toByteArray();
            if (d.getRangeId() == 0) return "meta_updates record " + i + " has no range id";
            if (end.length == 0 || Keys.compare(end, start) <= 0) {
                return "meta_updates record " + i + " (r" + d.getRangeId() + ") has end " + Keys.pretty(end)
                        + " not after its start " + Keys.pretty(start);
            }
            if (end.length > Keys.MAX_KEY_BYTES) {
                return "too large: meta_updates record " + i + " (r" + d.getRangeId() + ") ends at a key of "
                        + end.length + " bytes; the limit is " + Keys.MAX_KEY_BYTES;
            }
            if (Keys.compare(end, Keys.KEY_MAX) > 0) {
                return "meta_updates record " + i + " (r" + d.getRangeId() + ") ends beyond KEY_MAX";
            }
            if (i > 0 && !Arrays.equals(update.get(i - 1).getEndKey().toByteArray(), start)) {
                return "meta_updates records are not contiguous: r" + update.get(i - 1).getRangeId() + " ends at "
                        + Keys.pretty(update.get(i - 1).getEndKey().toByteArray()) + " but r" + d.getRangeId()
                        + " starts at " + Keys.pretty(start);
            }
            for (int j = 0; j < i; j++) {
                if (update.get(j).getRangeId() == d.getRangeId()) {
                    return "meta_updates names r" + d.getRangeId() + " twice";
                }
            }
        }
        return null;
    }

    /** The first key of the update's span. */
    public static byte[] start(List<RangeDescriptor> update) {
        return update.get(0).getStartKey().toByteArray();
    }

    /** The end of the update's span. */
    public static byte[] end(List<RangeDescriptor> update) {
        return update.get(update.size() - 1).getEndKey().toByteArray();
    }

    /**
     * Null if a well-formed {@code update} may replace {@code displaced}, else why not.
     * {@code startIsBoundary}: the update starts at KEY_MIN or meta holds a record ending where it
     * starts. {@code displaced}: meta's records stored at keys in {@code (metaKey(s), metaKey(e)]},
     * in key order, at most {@code update.size() + 1} of them (more means meta is finer there than
     * the update, so newer).
     */
    public static String refusal(List<RangeDescriptor> update, boolean startIsBoundary, List<RangeDescriptor> displaced) {
        byte[] s = start(update);
        byte[] e = end(update);
        if (!startIsBoundary) {
            return "meta has no record ending at " + Keys.pretty(s) + ": it would be left with a gap or an overlap";
        }
        if (displaced.isEmpty() || !Arrays.equals(displaced.get(displaced.size() - 1).getEndKey().toByteArray(), e)) {
            return "meta has no record ending at " + Keys.pretty(e) + ": it would be left with a gap or an overlap";
        }
        if (displaced.size() > update.size()) {
            return "meta holds more records in [" + Keys.pretty(s) + ", " + Keys.pretty(e) + ") than the update: newer";
        }
        for (RangeDescriptor old : displaced) {
            for (RangeDescriptor d : update) {
                if (overlap(old, d) && old.getGeneration() > d.getGeneration()) {
                    return "meta's " + describe(old) + " is newer than the update's " + describe(d);
                }
            }
        }
        return null;
    }

    /**
     * The descriptors, among {@code known}, that tile {@code [start, end)}: from {@code start}, each
     * time the one of the highest generation starting where the last ended (and not past
     * {@code end}); empty if {@code known} has none somewhere. Greedy: known descriptors of one
     * range at different generations are alternatives, the newest is taken.
     */
    public static Optional<List<RangeDescriptor>> chain(byte[] start, byte[] end, Collection<RangeDescriptor> known) {
        List<RangeDescriptor> out = new ArrayList<>();
        byte[] cursor = start;
        while (Keys.compare(cursor, end) < 0) {
            RangeDescriptor best = null;
            for (RangeDescriptor d : known) {
                if (!Arrays.equals(d.getStartKey().toByteArray(), cursor)) continue;
                if (Keys.compare(d.getEndKey().toByteArray(), end) > 0) continue;
                if (best == null || d.getGeneration() > best.getGeneration()) best = d;
            }
            if (best == null || out.size() == MAX_RECORDS_PER_UPDATE) return Optional.empty();
            out.add(best);
            cursor = best.getEndKey().toByteArray();
        }
        return Optional.of(out);
    }

    /**
     * The update that brings meta's records over {@code d}'s span up to date, built from
     * {@code known} descriptors (which should include {@code d}); empty when meta already holds
     * {@code d} or a newer state of its span, or when {@code known} cannot tile the records' span.
     * {@code covering}: meta's records overlapping {@code d}'s span, in key order.
     */
    public static Optional<List<RangeDescriptor>> repair(RangeDescriptor d, List<RangeDescriptor> covering,
            Collection<RangeDescriptor> known) {
        if (upToDate(d, covering)) return Optional.empty();
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        if (!covering.isEmpty()) {
            byte[] first = covering.get(0).getStartKey().toByteArray();
            byte[] last = covering.get(covering.size() - 1).getEndKey().toByteArray();
            if (Keys.compare(first, start) < 0) start = first;
            if (Keys.compare(last, end) > 0) end = last;
        }
        Optional<List<RangeDescriptor>> update = chain(start, end, known);
        if (update.isEmpty() || update.get().equals(covering)) return Optional.empty();
        return update;
    }

    /**
     * Whether meta needs nothing for {@code d}: {@code covering} (meta's records overlapping its
     * span) is one record of its span at its generation or above, or holds a record newer than
     * {@code d} over some of its keys (then {@code d} is behind, and so is the one who asks).
     */
    public static boolean upToDate(RangeDescriptor d, List<RangeDescriptor> covering) {
        if (covering.size() == 1 && sameSpan(covering.get(0), d) && covering.get(0).getGeneration() >= d.getGeneration()) {
            return true;
        }
        for (RangeDescriptor r : covering) {
            if (overlap(r, d) && r.getGeneration() > d.getGeneration()) return true;
        }
        return false;
    }

    /**
     * Null if {@code records} (meta in key order, each with the key it is stored at) tile the
     * keyspace, else the first problem.
     */
    public static String tilingProblem(List<byte[]> keys, List<RangeDescriptor> records) {
        byte[] expected = Keys.KEY_MIN;
        for (int i = 0; i < records.size(); i++) {
            RangeDescriptor d = records.get(i);
            byte[] end = d.getEndKey().toByteArray();
            if (!Arrays.equals(keys.get(i), Keys.metaKey(end))) {
                return "meta record at " + Keys.pretty(keys.get(i)) + " holds " + describe(d)
                        + ", which ends elsewhere";
            }
            if (!Arrays.equals(d.getStartKey().toByteArray(), expected)) {
                return "meta record " + describe(d) + " does not start where the record before it ends, "
                        + Keys.pretty(expected) + (Keys.compare(d.getStartKey().toByteArray(), expected) > 0
                                ? " (a gap)" : " (an overlap)");
            }
            expected = end;
        }
        if (!Arrays.equals(expected, Keys.KEY_MAX)) return "meta ends at " + Keys.pretty(expected) + ", not KEY_MAX";
        return null;
    }

    static boolean overlap(RangeDescriptor a, RangeDescriptor b) {
        return Keys.compare(a.getStartKey().toByteArray(), b.getEndKey().toByteArray()) < 0
                && Keys.compare(b.getStartKey().toByteArray(), a.getEndKey().toByteArray()) < 0;
    }

    private static boolean sameSpan(RangeDescriptor a, RangeDescriptor b) {
        return a.getStartKey().equals(b.getStartKey()) && a.getEndKey().equals(b.getEndKey());
    }

    public static String describe(RangeDescriptor d) {
        return "r" + d.getRangeId() + " [" + Keys.pretty(d.getStartKey().toByteArray()) + ", "
                + Keys.pretty(d.getEndKey().toByteArray()) + ") g" + d.getGeneration();
    }
}
