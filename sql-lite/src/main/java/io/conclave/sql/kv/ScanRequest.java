package io.conclave.sql.kv;

/**
 * A streamed scan of {@code [start, end)}: how many ranges to ask at once ({@code parallelism},
 * 1 = range by range), about how many rows the caller will take ({@code rowsWanted}, 0 = all;
 * a hint that makes the store go range by range and ask for no more), and a filter the store
 * applies where the rows are ({@code filterKind} "" for none; {@code filter} its specification).
 */
public record ScanRequest(byte[] start, byte[] end, int parallelism, int rowsWanted, String filterKind,
                          byte[] filter) {
    public ScanRequest {
        if (start == null || end == null || filterKind == null || filter == null) {
            throw new IllegalArgumentException("a scan request needs start, end, a filter kind and a filter (empty for none)");
        }
        if (parallelism < 1 || rowsWanted < 0) {
            throw new IllegalArgumentException("parallelism must be >= 1 and rowsWanted >= 0, were "
                    + parallelism + " and " + rowsWanted);
        }
    }

    public boolean hasFilter() {
        return !filterKind.isEmpty();
    }
}
