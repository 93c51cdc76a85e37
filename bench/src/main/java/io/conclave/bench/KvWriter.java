package io.conclave.bench;

import java.util.concurrent.CompletableFuture;

/** The one operation the Raft benchmark drives: a put acknowledged once it is committed and applied. */
interface KvWriter extends AutoCloseable {
    CompletableFuture<?> put(byte[] key, byte[] value);

    @Override
    void close();
}
