package io.conclave.raft;

public enum EntryType {
    NORMAL,
    CONF_CHANGE
}
