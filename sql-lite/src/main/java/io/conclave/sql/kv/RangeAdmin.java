package io.conclave.sql.kv;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The production {@link SqlAdmin}: range listing and splits through the range layer's
 * {@link RangeClient}. Leaseholder and size come from each range's leaseholder status, one call
 * per range, so only the first {@link #MAX_STATUS_CALLS} ranges of a listing carry them (the
 * rest report 0: unknown) to keep SHOW RANGES and EXPLAIN bounded on a table of many ranges.
 */
public final class RangeAdmin implements SqlAdmin {
    /** Ranges per listing whose leaseholder and size are asked for. */
    public static final int MAX_STATUS_CALLS = 64;

    private final RangeClient client;

    public RangeAdmin(RangeClient client) {
        if (client == null) {
            throw new IllegalArgumentException("RangeAdmin needs a RangeClient");
        }
        this.client = client;
    }

    @Override
    public List<RangeInfo> rangesOf(byte[] start, byte[] end) {
        List<RangeDescriptor> ranges = call(() -> client.rangesOverlapping(start, end));
        List<RangeInfo> out = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            RangeDescriptor d = ranges.get(i);
            List<Long> replicas = new ArrayList<>();
            for (ReplicaDescriptor r : d.getReplicasList()) {
                replicas.add(r.getNodeId());
            }
            long leaseholder = 0;
            long size = 0;
            if (i < MAX_STATUS_CALLS) {
                try {
                    GroupStatus status = client.leaseholderStatus(d.getRangeId());
                    leaseholder = status.getLease().getHolder();
                    size = status.getSizeBytes();
                } catch (io.conclave.range.client.KvException unavailable) {
                    // Reported as unknown (0): a listing should not fail for one busy range.
                }
            }
            out.add(new RangeInfo(d.getRangeId(), d.getStartKey().toByteArray(), d.getEndKey().toByteArray(),
                    replicas, leaseholder, size));
        }
        return out;
    }

    @Override
    public void split(byte[] key) {
        try {
            client.split(key);
        } catch (io.conclave.range.client.KvException e) {
            // Splitting at an existing boundary is what the user asked for already: not an error.
            if (e.code() == ErrorResponse.Code.BAD_REQUEST && alreadyBoundary(key)) {
                return;
            }
            throw new KvException("XX000", "split at " + io.conclave.sql.encoding.TableKeys.pretty(key)
                    + " failed: " + e.getMessage(), e);
        }
    }

    private boolean alreadyBoundary(byte[] key) {
        try {
            return Arrays.equals(client.rangeFor(key).getStartKey().toByteArray(), key);
        } catch (io.conclave.range.client.KvException e) {
            return false;
        }
    }

    private static <T> T call(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (io.conclave.range.client.KvException e) {
            throw new KvException("XX000", "range listing failed: " + e.getMessage(), e);
        }
    }
}
