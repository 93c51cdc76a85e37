package io.conclave.tests.jepsen;

import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.LinearizabilityChecker;
import io.conclave.tests.check.RegisterModel;
import io.conclave.txn.TxnClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Registers through the transaction client: single-key reads, writes and compare-and-sets (a read
 * and a conditional write in one transaction), commit-wait on, so every operation must appear to
 * take effect at one instant between its invocation and its completion
 * ({@link LinearizabilityChecker} with a CAS register per key).
 *
 * <p>As in Jepsen's independent keys, each of {@link #SLOTS} slots moves to a fresh key after
 * {@link #OPS_PER_KEY} operations, so each key's history stays small enough to search even with
 * unknown outcomes in it. Slots are spread over the initial ranges.
 */
final class RegisterWorkload implements Workload {
    static final int SLOTS = 4;
    static final int OPS_PER_KEY = 120;
    static final int VALUES = 5;
    static final int MAX_OPS_PER_WORKER = 5_000;
    /** The checker's bound: steps per key and time overall; past it the verdict is UNKNOWN. */
    static final long CHECK_STEPS_PER_KEY = 2_000_000;
    static final Duration CHECK_TIME = Duration.ofSeconds(60);

    private RunContext context;
    private List<RangeDescriptor> ranges;
    private final AtomicIntegerArray opsOnSlot = new AtomicIntegerArray(SLOTS);
    private final List<byte[]> keysUsed = java.util.Collections.synchronizedList(new ArrayList<>());
    private final OpCounts counts = new OpCounts();

    @Override
    public String name() {
        return "register";
    }

    @Override
    public void setUp(RunContext context) {
        this.context = context;
        this.ranges = context.initialRanges();
        for (int s = 0; s < SLOTS; s++) keysUsed.add(key(s, 0));
    }

    private byte[] key(int slot, int generation) {
        return KvKeys.keyIn(ranges.get(slot % ranges.size()), "/reg/" + slot + "/" + generation);
    }

    @Override
    public void work(int worker, long endNanos) {
        HistoryRecorder recorder = context.recorder();
        SplittableRandom random = new SplittableRandom(context.seed() * 17 + worker);
        TxnClient client = context.txn(worker);
        int process = worker;
        for (int i = 0; i < MAX_OPS_PER_WORKER && System.nanoTime() < endNanos; i++) {
            int slot = random.nextInt(SLOTS);
            int generation = opsOnSlot.getAndIncrement(slot) / OPS_PER_KEY;
            String name = "s" + slot + "g" + generation;
            byte[] key = key(slot, generation);
            int kind = random.nextInt(3);
            long v = random.nextInt(VALUES);
            long expected = random.nextInt(VALUES);
            HistoryRecorder.Handle h = switch (kind) {
                case 0 -> recorder.invoke(process, "read", Arrays.asList(name, null));
                case 1 -> recorder.invoke(process, "write", List.of(name, v));
                default -> recorder.invoke(process, "cas", List.of(name, List.of(expected, v)));
            };
            try {
                switch (kind) {
                    case 0 -> {
                        Optional<byte[]> read = client.run(txn -> txn.get(key));
                        recorder.ok(h, Arrays.asList(name, read.map(RegisterWorkload::parse).orElse(null)));
                        counts.ok();
                    }
                    case 1 -> {
                        client.run(txn -> {
                            txn.put(key, bytes(v));
                            return null;
                        });
                        recorder.ok(h);
                        counts.ok();
                    }
                    default -> {
                        boolean swapped = client.run(txn -> {
                            Optional<byte[]> current = txn.get(key);
                            if (current.isEmpty() || parse(current.get()) != expected) return false;
                            txn.put(key, bytes(v));
                            return true;
                        });
                        if (swapped) {
                            recorder.ok(h);
                            counts.ok();
                        } else {
                            recorder.fail(h, "the register did not hold the expected value");
                            counts.failed();
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (Outcomes.recordTxn(recorder, h, e)) {
                    counts.unknown();
                    process += context.workers();
                } else {
                    counts.failed();
                }
            }
        }
    }

    private static byte[] bytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.UTF_8);
    }

    private static long parse(byte[] b) {
        return Long.parseLong(new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void finish(long deadlineNanos) {
        // Linearizability needs no final read: every read in the history is checked.
    }

    @Override
    public Verdict check(History history) {
        LinearizabilityChecker.Result r = LinearizabilityChecker.check(history, RegisterModel.casRegister(),
                LinearizabilityChecker.Budget.of(CHECK_STEPS_PER_KEY, CHECK_TIME));
        Verdict.Outcome outcome = switch (r.verdict()) {
            case VALID -> Verdict.Outcome.VALID;
            case INVALID -> Verdict.Outcome.INVALID;
            case UNKNOWN -> Verdict.Outcome.UNKNOWN;
        };
        String summary = r.verdict() + ": " + r.keysChecked() + " keys, " + r.stepsExplored() + " steps"
                + (r.verdict() == LinearizabilityChecker.Verdict.VALID ? "" : " (key " + r.key() + ": " + r.reason() + ")");
        return new Verdict(outcome, summary, r.toString());
    }

    @Override
    public String split(SplittableRandom random) {
        return KvKeys.split(context.admin(), new ArrayList<>(keysUsed), random);
    }

    @Override
    public String counts() {
        return counts.toString();
    }
}
