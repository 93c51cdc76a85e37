/**
 * Load generators that start their own Conclave cluster and measure it.
 *
 * <p>{@code conclave bench raft} starts three node JVMs on 127.0.0.1 (stores in a temporary
 * directory, fsync on) and drives them through the node's public client. Each scenario gets a
 * fresh cluster so one cannot warm or pollute the next: (a) one group under a closed-loop load
 * of {@code --proposers} puts in flight, (b) the same load spread over {@code --groups} groups,
 * (c) {@code --idle-groups} groups doing nothing, where the figure is the CPU each node process
 * burns, read from {@code /proc/PID/stat}. Latencies go into an HdrHistogram; only completions
 * after the warm-up and inside the measured window count.
 *
 * <p>Hazards. The benchmark client runs on the same machine as the nodes and competes with them
 * for CPU; its own CPU use is printed beside the nodes'. Commits per second are bounded by how
 * many writes share one fsync, so the fdatasync baseline printed first says how much batching
 * a figure implies. Child processes are killed by their handles on exit and on Ctrl-C (a
 * shutdown hook), never looked up by name; a SIGKILL of the benchmark itself leaves them running.
 */
package io.conclave.bench;
