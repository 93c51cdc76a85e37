package io.conclave.sql.exec;

import io.conclave.sql.Value;
import java.util.List;

/**
 * What expressions of one statement may refer to besides columns: the statement's time
 * ({@code now()}, the transaction's read timestamp) and the values of its parameters
 * ({@code $1}, {@code $2}, ... or {@code ?} in order) and the engine's unique id source.
 */
record BindContext(Value now, List<Value> parameters, UniqueIds uniqueIds) {
    BindContext {
        parameters = List.copyOf(parameters);
    }

    /** For stored expressions (DEFAULT), which must not see a statement's parameters. */
    BindContext withoutParameters() {
        return new BindContext(now, List.of(), uniqueIds);
    }

    /** A new unique row id (unique_rowid(), hidden row ids). */
    long nextUniqueId() {
        return uniqueIds.next(now.asTimestampMicros());
    }
}
