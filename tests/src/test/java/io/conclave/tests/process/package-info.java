/**
 * Whole-cluster tests on real node processes: each node is a child JVM started from the test's
 * own java binary and class path, listening on 127.0.0.1, with its store in the test's temporary
 * directory. Faults are real: SIGKILL ({@link java.lang.Process#destroyForcibly()}) at any moment,
 * then a restart on the same store and port.
 *
 * <p>Checks are invariants, not expected outputs: after the faults stop and every replica has
 * caught up, the stores are opened directly and must hold every acknowledged write, the same
 * applied Raft log (term, type and data at every index they all still hold) and the same state.
 * The nemesis schedule comes from a seed that every run prints; {@code -Dprocess.seed=N} replays
 * the same schedule (the timing of the processes themselves is not reproducible).
 *
 * <p>Hazards. A test JVM killed with SIGKILL cannot run its shutdown hook, so its node processes
 * outlive it; every other exit path (test end, failure, Ctrl-C) kills exactly the processes the
 * test started, through their {@link java.lang.Process} handles. Free ports are picked by binding
 * port 0 and releasing it, so another process may grab one in between; that shows up as a bind
 * error in the node's log, which failures print. The suite shares a small machine: node JVMs run
 * with a 256 MiB heap, the serial collector and the C1 compiler only, and the writers are paced.
 */
package io.conclave.tests.process;
