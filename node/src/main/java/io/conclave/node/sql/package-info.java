/**
 * The node's SQL service: clients of the {@code io.conclave.driver} protocol on the node's one
 * listen port, each with a session of this node's SQL engine.
 *
 * <h2>Design</h2>
 * The transport calls {@link io.conclave.node.sql.SqlServer#onAccept} for every accepted
 * connection, which puts a sniffer at the head of the pipeline. The first four bytes decide:
 * {@code CSQL} replaces the node's frame handlers with the SQL ones (version byte, length-field
 * frames, a session handler); anything else is a node connection and passes on untouched. The
 * choice is never ambiguous: read as a node frame length, {@code CSQL} is over a gigabyte, far
 * above the node's frame limit, so no valid node connection starts with it.
 *
 * <p>Statements run on a bounded worker pool, never on Netty's I/O threads (they block on KV round
 * trips). A connection runs one message at a time and stops reading while it runs, so a client
 * cannot queue work here faster than it is done. The node the client connected to coordinates
 * its transactions: its engine's {@code TxnKv} runs over the node's own range client.
 *
 * <h2>The shell</h2>
 * {@link io.conclave.node.sql.SqlShell} is the client side of {@code conclave sql} and
 * {@code conclave demo}: it speaks the protocol through the driver's
 * {@link io.conclave.driver.SqlConnection} (not JDBC, to show the server's time and the command
 * tag), cuts input into statements at each {@code ;} outside quotes and comments, and reads a
 * terminal through JLine ({@link io.conclave.node.sql.TerminalLines}) or anything else as a
 * script that stops at the first error.
 *
 * <h2>Limits</h2>
 * {@link io.conclave.node.sql.SqlServerSettings}: connections, worker threads, queued statements
 * and the frame size (each exceeded with a SQLSTATE: 53300, 53300, 54000). The statement length
 * limit (1 MiB) is the engine's.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A connection closed while its statement runs keeps its worker until the statement ends;
 *       the session (and any open transaction) is closed after. A statement_timeout bounds it.</li>
 *   <li>If the worker pool is full, closing a session is skipped: its open transaction is then
 *       abandoned and recovered like a crashed client's, which costs its conflicting writers a
 *       wait for the transaction's liveness to expire.</li>
 *   <li>A SQL connection that sends nothing between statements for the idle timeout (an hour by
 *       default) is closed with 57P05 and its open transaction rolled back; until then an idle
 *       client keeps its slot, which the connection limit bounds.</li>
 *   <li>On a secure node ({@code --certs-dir}) the connection is TLS and StartSession must
 *       authenticate ({@link io.conclave.node.sql.Authentication}: the client certificate's
 *       name, or the user's password) before any statement runs; a password check costs a slow
 *       hash on a worker thread, so a storm of logins competes with statements for workers. On
 *       an insecure node every session is root whatever user it names.</li>
 * </ul>
 */
package io.conclave.node.sql;
