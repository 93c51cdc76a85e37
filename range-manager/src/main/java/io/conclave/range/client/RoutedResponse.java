package io.conclave.range.client;

import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeDescriptor;

/** A successful answer of {@link RangeClient#sendRouted}: the range it was built for and who answered. */
public record RoutedResponse(RangeDescriptor descriptor, KvResponse response, String hostPort) {}
