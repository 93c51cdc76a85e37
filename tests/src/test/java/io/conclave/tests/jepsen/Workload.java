package io.conclave.tests.jepsen;

import io.conclave.tests.check.History;
import java.util.SplittableRandom;

/**
 * A load with a checker: workers run operations and record each in the run's history
 * (invoke, then ok, fail or info), then, once every fault is healed, {@link #finish} does the
 * final reads the checker needs. Every worker loop is bounded in time and in count.
 */
interface Workload {
    String name();

    /** Creates what the load needs (tables, keys) on the healthy cluster. */
    void setUp(RunContext context) throws Exception;

    /** Worker {@code worker}'s loop, until {@code endNanos} or its own bound on operations. */
    void work(int worker, long endNanos) throws Exception;

    /** After the faults: the final reads, within {@code deadlineNanos}. */
    void finish(long deadlineNanos) throws Exception;

    Verdict check(History history);

    /** Splits the workload's data somewhere new (for the moves nemesis); returns what it did. */
    String split(SplittableRandom random) throws Exception;

    /** Counts of ok, failed and unknown operations, for the log. */
    String counts();

    static Workload named(String name) {
        return switch (name) {
            case "bank" -> new BankWorkload();
            case "register" -> new RegisterWorkload();
            case "list-append" -> new ListAppendWorkload();
            case "set" -> new SetWorkload();
            default -> throw new IllegalArgumentException("unknown workload '" + name
                    + "'; known: bank, register, list-append, set");
        };
    }
}
