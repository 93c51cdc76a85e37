package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates register histories that are linearizable by construction: clients overlap at random,
 * but each operation takes effect atomically on one reference map at a random moment between its
 * invocation and its completion. Some operations fail before taking effect, some time out (INFO)
 * after taking effect or without ever taking effect. Written values are unique positive numbers.
 */
final class RandomRegisterHistory {
    private enum Phase { IDLE, INVOKED, APPLIED }

    private static final class Client {
        Phase phase = Phase.IDLE;
        HistoryRecorder.Handle handle;
        String f;
        Object key;
        Object argument;
        Object result;
        boolean casMatched;
    }

    private RandomRegisterHistory() {}

    static History generate(SplittableRandom random, int processes, int keys, int operations, boolean withCas) {
        long[] now = {0};
        HistoryRecorder recorder = new HistoryRecorder(() -> now[0]++);
        Map<Object, Object> registers = new HashMap<>();
        List<Client> clients = new ArrayList<>();
        for (int p = 0; p < processes; p++) clients.add(new Client());
        long nextValue = 1;
        int invoked = 0;
        int busy = 0;
        for (int step = 0; step < 100 * operations && (invoked < operations || busy > 0); step++) {
            int p = random.nextInt(processes);
            Client c = clients.get(p);
            switch (c.phase) {
                case IDLE -> {
                    if (invoked == operations) continue;
                    c.key = (long) random.nextInt(keys);
                    int kind = random.nextInt(10);
                    if (withCas && kind < 2) {
                        Object current = registers.get(c.key);
                        Object expected = random.nextBoolean() ? current : (Object) (long) random.nextInt((int) nextValue);
                        c.f = "cas";
                        c.argument = Arrays.asList(expected, nextValue++);
                    } else if (kind < 6) {
                        c.f = "write";
                        c.argument = nextValue++;
                    } else {
                        c.f = "read";
                        c.argument = null;
                    }
                    c.handle = recorder.invoke(p, c.f, TestHistory.kv(c.key, c.argument));
                    c.phase = Phase.INVOKED;
                    invoked++;
                    busy++;
                }
                case INVOKED -> {
                    int roll = random.nextInt(100);
                    if (roll < 3 && !c.f.equals("read")) {
                        recorder.fail(c.handle, "refused before taking effect");
                        c.phase = Phase.IDLE;
                        busy--;
                    } else if (roll < 6) {
                        recorder.info(c.handle, "timed out, never took effect");
                        c.phase = Phase.IDLE;
                        busy--;
                    } else {
                        apply(c, registers);
                        c.phase = Phase.APPLIED;
                    }
                }
                case APPLIED -> {
                    if (random.nextInt(100) < 5) {
                        recorder.info(c.handle, "timed out after taking effect");
                    } else if (c.f.equals("cas") && !c.casMatched) {
                        recorder.fail(c.handle, "compare failed");
                    } else {
                        recorder.ok(c.handle, TestHistory.kv(c.key, c.result));
                    }
                    c.phase = Phase.IDLE;
                    busy--;
                }
                default -> throw new IllegalStateException();
            }
        }
        return recorder.history();
    }

    private static void apply(Client c, Map<Object, Object> registers) {
        switch (c.f) {
            case "read" -> c.result = registers.get(c.key);
            case "write" -> {
                registers.put(c.key, c.argument);
                c.result = c.argument;
            }
            case "cas" -> {
                List<?> expectedAndNew = (List<?>) c.argument;
                c.casMatched = Objects.equals(registers.get(c.key), expectedAndNew.get(0));
                if (c.casMatched) registers.put(c.key, expectedAndNew.get(1));
                c.result = c.argument;
            }
            default -> throw new IllegalStateException(c.f);
        }
    }

    /** Returns {@code history} with the OK completion of call {@code target} replaced by {@code newOutput}. */
    static History withOutput(History history, History.Call target, Object newOutput) {
        List<Op> ops = new ArrayList<>(history.ops());
        Op done = target.completion();
        int at = ops.indexOf(done);
        ops.set(at, new Op(done.index(), done.process(), done.type(), done.f(), newOutput, done.error(), done.timeNanos()));
        return History.of(ops);
    }
}
