/**
 * Launching Conclave node JVMs on this machine: the one place that knows the node's command line
 * ({@code java --add-opens ... -cp ... io.conclave.node.Main start ...}), its ready line
 * ({@code node N listening on HOST:PORT}), and how to stop it. The {@code demo} verb, the
 * benchmarks and the multi-process tests all launch nodes through {@link
 * io.conclave.node.launch.NodeProcess}.
 *
 * <p>Design: a {@link io.conclave.node.launch.NodeProcessSpec} is a value (binary, class path,
 * JVM flags, node id, store, listen address, log file, extra {@code start} flags); a {@link
 * io.conclave.node.launch.NodeProcess} owns at most one running child for it and may start it
 * again on the same store, port and log, so a restart after a kill is a crash and recovery of
 * the same node. Readiness is read from the log file rather than a stdout pipe: a pipe nobody
 * drains fills up and stalls the node, and a file survives for the post-mortem. A spec with node
 * id {@link io.conclave.node.launch.NodeProcessSpec#ASSIGNED_BY_CLUSTER} launches a node without
 * {@code --node-id}: it prints {@link io.conclave.node.launch.NodeProcessSpec#waitingLine()}
 * while it waits for {@code conclave init} or a join, and its ready line once it has an id
 * (whichever id the cluster gave it).
 *
 * <p>Hazards:
 * <ul>
 *   <li>Only the {@link java.lang.Process} a launcher started is ever signalled, never a process
 *       found by name: on a shared machine a broad kill takes down someone else's nodes.</li>
 *   <li>{@link io.conclave.node.launch.NodeProcess#freePorts(int)} ports are free when asked;
 *       another process can take one before the node binds it. That shows as a bind failure in
 *       the node's log, reported with the log tail by {@code awaitReady}.</li>
 *   <li>Without the LMDB {@code --add-opens} flags a node fails at its first store access, not
 *       at launch; {@link io.conclave.node.launch.NodeProcessSpec#LMDB_FLAGS} must be among the
 *       JVM flags.</li>
 *   <li>This package waits on wall-clock time and sleeps: it is process plumbing at the edge,
 *       never to be called from the deterministic cores.</li>
 * </ul>
 */
package io.conclave.node.launch;
