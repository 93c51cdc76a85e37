/**
 * The node side of the range client: {@link io.conclave.node.client.NettyNodeDialer} carries the
 * {@link io.conclave.range.client.RangeClient}'s requests over the node transport's client
 * connections, and {@link io.conclave.node.client.Clients} builds ready clients for the command
 * line, benchmarks and tests.
 *
 * <p>Hazards: a connection is opened on the calling thread (bounded by the transport's connect
 * timeout), so the first request to a dead node costs up to that timeout; the futures complete on
 * the connection's I/O thread, so nothing may block in a continuation of them.
 */
package io.conclave.node.client;
