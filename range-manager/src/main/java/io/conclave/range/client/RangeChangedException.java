package io.conclave.range.client;

import io.conclave.range.rpc.ErrorResponse;

/**
 * Thrown by a request builder given to {@link RangeClient#sendRouted} when the range the client
 * now routes to no longer fits the request (its keys span a split): nothing was sent, and the
 * caller regroups its keys by the current ranges.
 */
public final class RangeChangedException extends KvException {
    public RangeChangedException(String message) {
        super(ErrorResponse.Code.RANGE_KEY_MISMATCH, message);
    }
}
