package io.conclave.sql.catalog;

import io.conclave.sql.kv.KvRetryException;

/**
 * A statement planned against the cached catalog found, with its first read, that its
 * transaction sees another catalog version: it must run again with the catalog it reads. Nothing
 * it read or planned has left the statement (the check comes before any row is returned and any
 * write is buffered), so running it again is always safe.
 */
public final class CatalogChangedException extends KvRetryException {
    public static final String REASON = "CATALOG_CHANGED";

    CatalogChangedException(long cached, long read) {
        super(REASON, "the statement was planned with catalog version " + cached
                + " and its transaction reads version " + read);
    }
}
