package io.conclave.sql.kv;

/** One stored pair. The arrays are owned by the receiver; callers do not modify them. */
public record KeyValue(byte[] key, byte[] value) {}
