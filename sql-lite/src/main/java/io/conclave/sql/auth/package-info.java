/**
 * SQL users, their passwords and privileges, kept in the keyspace beside the catalog.
 *
 * <p><b>Storage.</b> System table 4 holds one record per user (keyed by name: the admin flag and
 * the password hash); system table 5 one record per (user, table id) holding a bit set of
 * privileges, table id 0 standing for every table ({@code ON *}), which is also where CREATE
 * TABLE is granted. Both are read and written inside the statement's own transaction, so a
 * GRANT and the statements it allows serialize like any other writes, and a REVOKE that commits
 * is seen by every statement that starts after it.
 *
 * <p><b>Who.</b> {@code root} always exists and is an admin; it cannot be dropped or lose the
 * role. An admin passes every check; user statements, GRANT/REVOKE and range administration
 * (SPLIT AT) need the admin role. A user who creates a table gets every privilege on it. Checks
 * happen before a statement runs and fail with 42501 naming the privilege and the object. An
 * insecure node runs every session as root, so nothing is read for it.
 *
 * <p><b>Passwords</b> are stored as salted PBKDF2-HMAC-SHA256 hashes (120,000 iterations, a
 * 16-byte salt from the engine's random source), compared in constant time; the clear text is
 * never stored or logged. The hash is deliberately slow: a login costs tens of milliseconds of
 * CPU, which bounds guessing but also means connection storms are CPU-bound (pool connections).
 *
 * <p><b>Hazards.</b> Privilege records name tables by id: dropping a table leaves its grants
 * behind, harmless because ids are never reused. Users are not cached: each statement of a
 * non-root user costs one extra read of its records.
 */
package io.conclave.sql.auth;
