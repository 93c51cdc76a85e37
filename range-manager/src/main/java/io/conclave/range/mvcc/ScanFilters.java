package io.conclave.range.mvcc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scan filter factories a node serves, by kind. Immutable; built once at node start. A
 * request naming a kind the node does not have is refused with BAD_REQUEST rather than served
 * unfiltered: a caller counting on the filter must not silently get every row.
 */
public final class ScanFilters {
    /** No filters: every filtered scan is refused. */
    public static final ScanFilters NONE = new ScanFilters(Map.of());

    private final Map<String, ScanFilter.Factory> byKind;

    private ScanFilters(Map<String, ScanFilter.Factory> byKind) {
        this.byKind = Map.copyOf(byKind);
    }

    public static ScanFilters of(List<ScanFilter.Factory> factories) {
        Map<String, ScanFilter.Factory> map = new LinkedHashMap<>();
        for (ScanFilter.Factory f : factories) {
            if (f.kind() == null || f.kind().isEmpty()) {
                throw new IllegalArgumentException("a scan filter factory needs a non-empty kind");
            }
            if (map.putIfAbsent(f.kind(), f) != null) {
                throw new IllegalArgumentException("two scan filter factories of kind " + f.kind());
            }
        }
        return new ScanFilters(map);
    }

    /** The factory of {@code kind}, or null. */
    public ScanFilter.Factory get(String kind) {
        return byKind.get(kind);
    }

    @Override
    public String toString() {
        return "ScanFilters" + byKind.keySet();
    }
}
