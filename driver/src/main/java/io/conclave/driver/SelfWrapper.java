package io.conclave.driver;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@link Wrapper} for the driver's JDBC objects, which wrap nothing: each is only itself, so
 * {@code unwrap} answers with the object cast or an error (22023), never a hidden delegate.
 * The {@code Unsupported*} bases implement it, so the real classes need not repeat it.
 */
interface SelfWrapper extends Wrapper {
    @Override
    default <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) return type.cast(this);
        throw Errors.invalid("not a wrapper for " + type.getName());
    }

    @Override
    default boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
