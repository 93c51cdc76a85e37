package io.conclave.tests.jepsen;

import java.util.SplittableRandom;

/**
 * One kind of fault: {@link #inject} does it to the cluster (logging what it did) and returns how
 * to undo it. The {@link NemesisSchedule} runs one fault at a time, so a majority of nodes is
 * always up and connected between faults, and every fault is healed before the next.
 */
interface Nemesis {
    /** The name used on the command line: kill, pause, partition, clock, moves. */
    String name();

    Fault inject(ClusterFaults cluster, SplittableRandom random, EventLog log) throws Exception;

    /** Undoes one fault; logs the end of it. */
    interface Fault {
        void heal() throws Exception;
    }

    /** A fault with nothing to undo (a lease transfer, a split). */
    Fault NOTHING = () -> { };
}
