package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.RangeReply;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one request.
 *
 * @param reply a kv_response or an error
 * @param readKeys user keys the request read, for the timestamp cache (empty for writes and
 *     failures)
 * @param readSpans user-key spans {start, end} the request read (end exclusive), likewise
 * @param readTs the timestamp of those reads; {@link Timestamp#MIN} when nothing was read
 * @param wroteSomething whether the writer was called
 */
public record Evaluation(RangeReply reply, List<byte[]> readKeys, List<byte[][]> readSpans, Timestamp readTs,
        boolean wroteSomething) {
    public Evaluation {
        Objects.requireNonNull(reply, "reply");
        readKeys = List.copyOf(readKeys);
        readSpans = List.copyOf(readSpans);
        Objects.requireNonNull(readTs, "readTs");
    }
}
