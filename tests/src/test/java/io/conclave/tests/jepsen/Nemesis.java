package io.conclave.tests.jepsen;

import java.util.SplittableRandom;

/**
 * One kind of fault: {@link #inject} does it to the cluster (logging what it did) and returns how
 * to undo it, or returns null, doing nothing, if {@link ClusterFaults#claim} refused it (with
 * the faults already active it would leave no majority up and connected). The
 * {@link NemesisSchedule} runs one fault at a time, or with overlap at most two.
 */
interface Nemesis {
    /** The name used on the command line: kill, pause, partition, clock, moves. */
    String name();

    Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception;

    /** Undoes one fault; logs the end of it and releases its claim. */
    interface Fault {
        void heal() throws Exception;
    }

    /** A fault with nothing to undo (a lease transfer, a split). */
    Fault NOTHING = () -> { };
}
