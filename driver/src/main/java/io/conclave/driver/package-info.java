/**
 * Conclave's client side: the SQL client protocol ({@code sql.proto}, {@link io.conclave.driver.SqlProtocol})
 * and the JDBC driver ({@code jdbc:conclave://HOST:PORT[,HOST:PORT...][?commit_wait=on]}). Depends
 * only on protobuf-java, so any application can put it on its class path.
 *
 * <h2>Shape</h2>
 * {@link io.conclave.driver.SqlConnection} is one blocking session with one node over a plain
 * socket: preamble, StartSession, then one Execute and one reply at a time. The JDBC classes sit on
 * it; every JDBC method the driver does not implement is in a generated {@code Unsupported*} base
 * class and throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a guess.
 * What every JDBC class answers the same way lives once: {@code unwrap}/{@code isWrapperFor} in
 * {@code SelfWrapper} (the bases implement it), SQLSTATEs and 1-based index checks in {@code Errors}.
 * Parameters of a {@link java.sql.PreparedStatement} travel beside its text in their wire form
 * ({@link io.conclave.driver.SqlLiterals#value}): the text is the same at every execution, so the
 * server parses it once per session and binds the values; where a statement cannot bind them (DDL,
 * SET, AS OF SYSTEM TIME) the server inlines them as the literals of {@code SqlLiterals}.
 *
 * <h2>Transactions and failover</h2>
 * Autocommit on: each statement is an implicit transaction the server retries on 40001 itself.
 * Autocommit off: the driver sends BEGIN before the first statement; a 40001 then reaches the
 * application, which must rerun the transaction. The node a session talks to coordinates its
 * transactions. If it is lost, the statement in flight fails with 08006 and is not re-sent (a
 * write may or may not have committed), and the next statement connects to the first listed node
 * that answers. A node that is shutting down (or fenced itself) refuses new sessions and new
 * transactions with 57P03: a connect skips it, and a statement refused with it outside a
 * transaction (it did not run) drops the session and runs again on another listed node (the
 * refusing one is tried last); it fails with 57P03 only when no other node is listed or all
 * refused it. A 53300 refusal (the node's statement queue is full) is handled the same way, and
 * so is 57P01: a stopping node ends each idle session outside a transaction with it, so the
 * session's next statement goes to another node. A session idle for a second or more is checked
 * before a statement is sent (a read of at most 1 ms, not over TLS): if its node's end closed
 * meanwhile (the process stopped or crashed), or the node ended the session (57P01, or 57P05
 * after the node's idle timeout), the statement is not sent and runs on another node, instead
 * of failing with 08006 and an unknown outcome. A session opened in place of a lost one gets
 * the settings the application SET on that one (the node reports each SET's setting and value),
 * so commit_wait, statement_timeout and application_name do not change with the node.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Results are read whole: a result larger than the frame limit (16 MiB) fails on the server
 *       with 54000 instead of streaming; use LIMIT and key ranges for big reads.</li>
 *   <li>Parameter substitution is the only defence against injection through parameters: strings
 *       are always quoted with quotes doubled (Conclave strings have no backslash escapes), negative
 *       numbers are parenthesised so {@code a -?} cannot become a {@code --} comment, and bytes are
 *       hex literals. Any new literal form must keep that property and get a test.</li>
 *   <li>{@code setReadOnly} is recorded but not enforced. {@code setQueryTimeout} becomes the
 *       session's {@code statement_timeout}; a {@code SET statement_timeout} sent as SQL text is
 *       overwritten by the next statement whose timeout differs from what the driver last set.</li>
 * </ul>
 */
package io.conclave.driver;
