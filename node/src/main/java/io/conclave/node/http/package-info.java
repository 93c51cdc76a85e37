/**
 * The node's HTTP endpoint ({@code --http HOST:PORT}): {@code /health}; the JSON status pages
 * {@code /status/nodes}, {@code /status/ranges} (leaseholder, replicas, size, QPS) and
 * {@code /status/range?id=N} (each replica's Raft state and lease), computed by
 * {@link io.conclave.node.cluster.ClusterView} on the server's own threads; this node's own
 * {@code /status/statements} (SQL running now), {@code /status/splits} (the last splits its
 * leaders applied) and {@code /status/timeseries?since=MS}; {@code /metrics} in the Prometheus
 * text format; and the console at {@code /}, plain HTML, CSS and JavaScript from the jar
 * ({@code resources/io/conclave/node/http/console}), which polls {@code /status/console} once a
 * second: the cluster's nodes and ranges plus every live node's local pages, gathered by
 * {@code Fanout}. A node waiting for init or a join serves its pages as 503
 * {@code {"status":"waiting", ...}} from the same address, so a health check tells a waiting
 * node from a dead one.
 *
 * <p>Security: the views reveal addresses, key boundaries and SQL text (which may be user data).
 * An insecure node has no authentication: bind {@code --http} to a trusted network. A secure
 * node serves HTTPS and lets only admins past {@code /health} ({@link HttpSecurity},
 * {@code HttpAuth}); a successful login is trusted for {@code LoginCache.TTL}, so a revoked
 * password or admin role keeps working on a node that long.
 *
 * <p>Hazards: a view blocks on
 * every live node's status answer (each bounded by the range client's request timeout), and the
 * console's fan-out on every node's HTTP answer (bounded by {@code Fanout.TIMEOUT}), so a page
 * may take that long when a node hangs; requests beyond the queue are refused, never piled up.
 */
package io.conclave.node.http;
