package io.conclave.raft;

/** Volatile state that the caller may want to observe; never persisted. 0 means no leader. */
public record SoftState(long leaderId, Role role) {}
