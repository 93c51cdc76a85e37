/**
 * Conclave's SQL engine: the public face the client protocol, the JDBC driver and the shell call.
 *
 * <h2>Shape</h2>
 * A {@link io.conclave.sql.SqlEngine} per node holds the KV store ({@link io.conclave.sql.kv.SqlKv}),
 * optional range administration and the catalog cache. Each client gets a
 * {@link io.conclave.sql.Session}, which parses a statement
 * ({@link io.conclave.sql.parser.StatementParser}), opens or reuses a transaction, loads the
 * catalog in it, and hands the statement to an {@link io.conclave.sql.exec.Executor}. Results are
 * {@link io.conclave.sql.Result} records of {@link io.conclave.sql.Value}s; every failure a user
 * can cause is a {@link io.conclave.sql.SqlException} with a PostgreSQL SQLSTATE.
 *
 * <h2>API</h2>
 * This package and {@link io.conclave.sql.kv} are the API. The other packages ({@code ast},
 * {@code parser}, {@code encoding}, {@code catalog}, {@code exec}) are internal: their classes
 * are public only because they call each other across packages.
 *
 * <h2>Parameters</h2>
 * {@link io.conclave.sql.Session#execute(String, java.util.List)} binds {@code $1, $2, ...} (or
 * {@code ?} placeholders, numbered in order) to values: a STRING or NULL parameter is typed by
 * its context like a quoted literal, any other keeps its type. Parsed statements are cached per
 * session by their text ({@link io.conclave.sql.Session#MAX_CACHED_STATEMENTS}), so a repeated
 * parameterised statement is parsed once; planning still happens per execution.
 *
 * <h2>Transactions</h2>
 * A statement outside BEGIN runs in its own transaction, retried on 40001 at least ten times and
 * for up to five seconds, with short random pauses (ImplicitRetries); the client sees its result only
 * after the commit. Inside BEGIN, any error aborts the transaction: later statements get 25P02
 * until ROLLBACK (or COMMIT, which then rolls back). A 40001 inside BEGIN is reported to the
 * client, which must rerun the whole transaction. {@code SELECT ... AS OF SYSTEM TIME} runs in a
 * read-only transaction at the given time and is refused inside BEGIN.
 *
 * <h2>Settings</h2>
 * {@code SET commit_wait = on|off} (the KV layer holds each commit's acknowledgement until every
 * clock has passed its timestamp), {@code SET statement_timeout = '5s'} (0: none; cancels with
 * 57014, checked at KV requests and every few hundred rows, on the engine's injected monotonic
 * clock) and {@code application_name}. {@code SHOW name} reads one.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A 40003 (ambiguous commit) must reach the client as is: rerunning could apply it twice.</li>
 *   <li>Implicit retries rerun the whole statement, so a statement must have no effect outside
 *       its transaction. The one exception is ALTER TABLE ... SPLIT AT, whose splits are admin
 *       operations (idempotent, so a rerun is harmless).</li>
 *   <li>Sessions are not thread-safe; the engine and its catalog cache are.</li>
 * </ul>
 */
package io.conclave.sql;
