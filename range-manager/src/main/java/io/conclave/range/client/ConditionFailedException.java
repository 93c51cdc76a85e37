package io.conclave.range.client;

import io.conclave.range.rpc.ErrorResponse;
import java.util.Optional;

/** A conditional put found another value than expected; nothing was written. */
public final class ConditionFailedException extends KvException {
    private final byte[] actual;

    public ConditionFailedException(String message, Optional<byte[]> actual) {
        super(ErrorResponse.Code.CONDITION_FAILED, message);
        this.actual = actual.orElse(null);
    }

    /** The value the key held when the condition was checked; empty if it was absent. */
    public Optional<byte[]> actual() {
        return Optional.ofNullable(actual);
    }
}
