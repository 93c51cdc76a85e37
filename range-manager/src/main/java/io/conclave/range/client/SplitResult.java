package io.conclave.range.client;

import io.conclave.range.rpc.RangeDescriptor;

/** The two ranges a split left behind: {@code left} keeps the range id, {@code right} is new. */
public record SplitResult(RangeDescriptor left, RangeDescriptor right) {
    public SplitResult {
        if (left == null || right == null) throw new IllegalArgumentException("left and right must be set");
    }
}
