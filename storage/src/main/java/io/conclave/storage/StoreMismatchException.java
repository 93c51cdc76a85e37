package io.conclave.storage;

import java.nio.file.Path;

/** The store directory was written by another node or another cluster. */
public final class StoreMismatchException extends StoreException {
    private final StoreIdent found;
    private final StoreIdent expected;

    StoreMismatchException(Path dir, StoreIdent found, StoreIdent expected) {
        super("store at " + dir + " belongs to cluster " + found.clusterId() + ", node "
                + found.nodeId() + "; this node is cluster " + expected.clusterId() + ", node "
                + expected.nodeId() + "; point the node at its own store directory or at an"
                + " empty one");
        this.found = found;
        this.expected = expected;
    }

    public StoreIdent found() {
        return found;
    }

    public StoreIdent expected() {
        return expected;
    }
}
