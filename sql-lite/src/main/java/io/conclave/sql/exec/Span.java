package io.conclave.sql.exec;

import io.conclave.sql.encoding.TableKeys;

/**
 * A key span {@code [start, end)} of one index. {@code point} marks the span of exactly one
 * primary key, read with a single get instead of a scan.
 */
record Span(byte[] start, byte[] end, boolean point) {
    String pretty() {
        return point ? TableKeys.pretty(start) : TableKeys.pretty(start) + " - " + TableKeys.pretty(end);
    }
}
