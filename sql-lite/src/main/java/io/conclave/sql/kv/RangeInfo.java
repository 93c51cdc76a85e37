package io.conclave.sql.kv;

import java.util.List;

/** One range as SHOW RANGES reports it. {@code leaseholder} is a node id, 0 when unknown. */
public record RangeInfo(long rangeId, byte[] startKey, byte[] endKey, List<Long> replicas,
                        long leaseholder, long sizeBytes) {
    public RangeInfo {
        replicas = List.copyOf(replicas);
    }
}
