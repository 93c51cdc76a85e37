package io.conclave.storage;

import java.nio.file.Path;

/**
 * The LMDB map is full: the batch was not written and the store is unchanged and usable. Reads
 * still work; writes that add data will keep failing until the node restarts with a larger map.
 */
public final class StoreFullException extends StoreException {
    private final long mapSizeBytes;

    StoreFullException(Path dir, long mapSizeBytes, int batchOps, Throwable cause) {
        super("store " + dir + " is full: map size " + mapSizeBytes + " bytes ("
                + (mapSizeBytes >> 20) + " MiB); the batch of " + batchOps
                + " operations was not written and the store is unchanged; raise --store-map-size"
                + " (for example to " + (2 * mapSizeBytes) + ") and restart the node", cause);
        this.mapSizeBytes = mapSizeBytes;
    }

    public long mapSizeBytes() {
        return mapSizeBytes;
    }
}
