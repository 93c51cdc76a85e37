package io.conclave.range.client;

import io.conclave.range.Keys;
import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a client believes about ranges: descriptors by end key, the leaseholder's address per
 * range, and node addresses by node id. Every entry may be stale; the client corrects it from
 * the nodes' answers (RANGE_KEY_MISMATCH carries newer descriptors, NOT_LEASEHOLDER the holder).
 *
 * <p>Descriptors are keyed by end key (unsigned order) because a range holds {@code k} iff
 * {@code start <= k < end}: the first entry whose end is above {@code k} is the only candidate.
 * Ranges only split (no merges), so of two overlapping descriptors the one with the higher
 * generation is the newer: a split gives both halves the parent's generation + 1. Inserting a
 * descriptor therefore evicts every overlapping one of a lower or equal generation, and is
 * refused if any overlapping one is newer.
 *
 * <p>Thread-safe: every method holds the cache's lock briefly; no I/O under it.
 */
final class RangeCache {
    /** Bounds memory: 10,000 ranges per cluster are expected, 64 Ki leaves room to spare. */
    static final int MAX_CACHED_RANGES = 1 << 16;

    private final TreeMap<byte[], RangeDescriptor> byEnd = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<Long, byte[]> endById = new HashMap<>();
    private final Map<Long, String> leaseholderById = new HashMap<>();
    private final Map<Long, String> addressByNode = new HashMap<>();

    /** The cached range holding {@code key}, if any. */
    synchronized Optional<RangeDescriptor> lookup(byte[] key) {
        Map.Entry<byte[], RangeDescriptor> e = byEnd.higherEntry(key);
        if (e == null || Keys.compare(e.getValue().getStartKey().toByteArray(), key) > 0) {
            return Optional.empty();
        }
        return Optional.of(e.getValue());
    }

    synchronized Optional<RangeDescriptor> byId(long rangeId) {
        byte[] end = endById.get(rangeId);
        return end == null ? Optional.empty() : Optional.of(byEnd.get(end));
    }

    /**
     * Caches {@code d} unless an overlapping cached descriptor is newer; evicts the overlapping
     * ones it supersedes. A range that replaces its parent inherits the parent's leaseholder
     * (a split copies the lease to the right-hand range). Returns whether {@code d} is cached.
     */
    synchronized boolean insert(RangeDescriptor d) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        if (Keys.compare(start, end) >= 0) {
            throw new IllegalArgumentException("range r" + d.getRangeId() + " has an empty or inverted span ["
                    + Keys.pretty(start) + ", " + Keys.pretty(end) + ")");
        }
        List<RangeDescriptor> overlapping = overlappingLocked(start, end);
        for (RangeDescriptor o : overlapping) {
            if (o.getGeneration() > d.getGeneration()) return false;
        }
        String inherited = null;
        for (RangeDescriptor o : overlapping) {
            if (inherited == null) inherited = leaseholderById.get(o.getRangeId());
            removeLocked(o);
        }
        // The same range id may still be cached under another end (it was split on the right).
        byId(d.getRangeId()).ifPresent(this::removeLocked);
        if (byEnd.size() >= MAX_CACHED_RANGES) removeLocked(byEnd.firstEntry().getValue());
        byEnd.put(end, d);
        endById.put(d.getRangeId(), end);
        if (inherited != null) leaseholderById.putIfAbsent(d.getRangeId(), inherited);
        return true;
    }

    /** Forgets range {@code rangeId}'s descriptor and leaseholder. */
    synchronized void evict(long rangeId) {
        byId(rangeId).ifPresent(this::removeLocked);
        leaseholderById.remove(rangeId);
    }

    synchronized int size() {
        return byEnd.size();
    }

    synchronized List<RangeDescriptor> all() {
        return new ArrayList<>(byEnd.values());
    }

    synchronized Optional<String> leaseholder(long rangeId) {
        return Optional.ofNullable(leaseholderById.get(rangeId));
    }

    synchronized void setLeaseholder(long rangeId, String hostPort) {
        leaseholderById.put(rangeId, hostPort);
    }

    /** Forgets the leaseholder of {@code rangeId} if it is still {@code hostPort}. */
    synchronized void clearLeaseholder(long rangeId, String hostPort) {
        leaseholderById.remove(rangeId, hostPort);
    }

    synchronized Optional<String> address(long nodeId) {
        return Optional.ofNullable(addressByNode.get(nodeId));
    }

    synchronized void learnAddress(long nodeId, String hostPort) {
        if (nodeId != 0 && hostPort != null && !hostPort.isEmpty()) addressByNode.put(nodeId, hostPort);
    }

    synchronized List<String> knownAddresses() {
        return new ArrayList<>(addressByNode.values());
    }

    private List<RangeDescriptor> overlappingLocked(byte[] start, byte[] end) {
        List<RangeDescriptor> out = new ArrayList<>();
        Iterator<RangeDescriptor> it = byEnd.tailMap(start, false).values().iterator();
        while (it.hasNext()) {
            RangeDescriptor o = it.next();
            if (Keys.compare(o.getStartKey().toByteArray(), end) >= 0) break;
            out.add(o);
        }
        return out;
    }

    private void removeLocked(RangeDescriptor d) {
        byte[] end = d.getEndKey().toByteArray();
        RangeDescriptor cached = byEnd.get(end);
        if (cached != null && cached.getRangeId() == d.getRangeId()) {
            byEnd.remove(end);
            endById.remove(d.getRangeId());
        }
    }
}
