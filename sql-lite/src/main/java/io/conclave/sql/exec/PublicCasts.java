package io.conclave.sql.exec;

import io.conclave.sql.SqlType;
import io.conclave.sql.Value;

/** The casts other SQL packages need (the session's AS OF SYSTEM TIME). */
public final class PublicCasts {
    private PublicCasts() {}

    /** Parses a TIMESTAMP literal; 22P02 when it is not one. */
    public static Value toTimestamp(String text) {
        return Coercion.cast(Value.ofString(text), SqlType.TIMESTAMP);
    }
}
