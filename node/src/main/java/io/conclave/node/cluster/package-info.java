/**
 * Cluster life: how a node comes to belong to a cluster, how nodes find and judge each other,
 * and the cluster-wide views served to {@code conclave nodes}, {@code conclave ranges} and HTTP.
 *
 * <h2>Init and join</h2>
 * A node started without {@code --node-id} on an empty store opens a {@link
 * io.conclave.node.cluster.ClusterGate}: it listens on {@code --listen}, answers only {@code
 * init}, and meanwhile asks its {@code --join} addresses for a node id. {@code conclave init}
 * makes it node 1 of a new cluster (a random UUID): it bootstraps range 1 (meta and system) and
 * range 2 (every user key) with itself as the only replica, sets the node-id counter to 1, writes
 * its store identity and starts. A joiner gets its id from any initialized node, which allocates
 * it with an {@code increment} of the node-id counter on range 1 (one Raft write, so ids are
 * unique whichever node answers); the joiner writes the identity and starts; the allocator then
 * replicates ranges to it. A store with an identity restarts without any answer: {@code --join}
 * is then only checked, best effort, to belong to the same cluster.
 *
 * <p>Order of writes: bootstrap data first, identity last, so a crash in between leaves a store
 * without identity that the next start initializes or joins again, never a store that claims a
 * cluster without its data. A joiner that crashes after being given an id but before writing it
 * wastes that id; ids are never reused.
 *
 * <h2>Liveness and addresses</h2>
 * {@link io.conclave.node.cluster.Liveness} rewrites this node's record in the system span every
 * heartbeat (3 s, expiring 9 s ahead, epoch = number of starts) and reads everyone's back; the
 * records' addresses feed the transport's address book, which is how a node learns where nodes
 * that joined after it listen. A node is dead when its record's expiration is behind the
 * reader's hybrid clock.
 *
 * <h2>Node requests on the wire</h2>
 * Init, join and the views are {@code NodeRequest} frame bodies (rpc.proto), admitted on
 * client connections like KV and admin requests; {@link io.conclave.node.cluster.NodeRpc} is
 * the one place that builds and recognizes them.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Two {@code init}s on two different uninitialized nodes make two clusters. The second
 *       node's peers then refuse it (cluster id mismatch in the transport's Hello), but nothing
 *       merges them: init exactly one node.</li>
 *   <li>Liveness depends on range 1: if it is unavailable, every record expires and every node
 *       looks dead. Nothing that decides safety uses liveness; the allocator must not act on a
 *       view it could not refresh.</li>
 *   <li>The address a node advertises is its {@code --listen} address as given; a wildcard
 *       listen address (0.0.0.0) is not reachable by peers.</li>
 *   <li>The views cost one status call per live node; they are for people and monitoring, not
 *       for a hot path.</li>
 * </ul>
 */
package io.conclave.node.cluster;
