package io.conclave.raft;

/**
 * A ReadIndex answer: once the local replica has applied {@code index}, a read that asked with
 * {@code context} may be served linearizably from local state.
 */
public record ReadState(long index, byte[] context) {}
