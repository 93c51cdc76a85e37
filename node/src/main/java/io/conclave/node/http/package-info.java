/**
 * The node's HTTP status endpoint ({@code --http HOST:PORT}): {@code /health}, {@code
 * /status/nodes} and {@code /status/ranges}, as JSON written by {@link io.conclave.node.http.Json}.
 * The pages carry the data of {@code conclave nodes} and {@code conclave ranges}, computed by
 * {@link io.conclave.node.cluster.ClusterView} on the server's own two threads. A node waiting
 * for init or a join serves every page as 503 {@code {"status":"waiting", ...}} from the same
 * address, so a health check tells a waiting node from a dead one.
 *
 * <p>Hazards: there is no authentication; the views reveal addresses and key boundaries (which
 * may be user data), so bind {@code --http} to a trusted network. A view blocks on every live
 * node's status answer (each bounded by the range client's request timeout), so a page may take
 * that long when a node hangs; requests beyond the queue are refused, never piled up.
 */
package io.conclave.node.http;
