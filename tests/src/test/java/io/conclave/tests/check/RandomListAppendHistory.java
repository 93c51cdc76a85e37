package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates list-append histories that are strictly serializable by construction: transactions
 * overlap at random, but each one runs atomically on a reference store at a random moment between
 * its invocation and its completion. Some fail before running, some time out (INFO) after running
 * or without running. Appended elements are unique positive numbers per key.
 */
final class RandomListAppendHistory {
    private enum Phase { IDLE, INVOKED, APPLIED }

    private static final class Client {
        Phase phase = Phase.IDLE;
        HistoryRecorder.Handle handle;
        List<Object> microOps;
        List<Object> completed;
    }

    private RandomListAppendHistory() {}

    static History generate(SplittableRandom random, int processes, int keys, int txns) {
        long[] now = {0};
        HistoryRecorder recorder = new HistoryRecorder(() -> now[0]++);
        Map<Object, List<Object>> store = new HashMap<>();
        List<Client> clients = new ArrayList<>();
        for (int p = 0; p < processes; p++) clients.add(new Client());
        long nextElement = 1;
        int invoked = 0;
        int busy = 0;
        for (int step = 0; step < 100 * txns && (invoked < txns || busy > 0); step++) {
            int p = random.nextInt(processes);
            Client c = clients.get(p);
            switch (c.phase) {
                case IDLE -> {
                    if (invoked == txns) continue;
                    c.microOps = new ArrayList<>();
                    int size = 1 + random.nextInt(4);
                    for (int i = 0; i < size; i++) {
                        Object key = (long) random.nextInt(keys);
                        c.microOps.add(random.nextBoolean()
                                ? TestHistory.append(key, nextElement++)
                                : TestHistory.read(key, null));
                    }
                    c.handle = recorder.invoke(p, "txn", c.microOps);
                    c.phase = Phase.INVOKED;
                    invoked++;
                    busy++;
                }
                case INVOKED -> {
                    int roll = random.nextInt(100);
                    if (roll < 4) {
                        recorder.fail(c.handle, "aborted");
                        c.phase = Phase.IDLE;
                        busy--;
                    } else if (roll < 7) {
                        recorder.info(c.handle, "timed out, never ran");
                        c.phase = Phase.IDLE;
                        busy--;
                    } else {
                        c.completed = run(c.microOps, store);
                        c.phase = Phase.APPLIED;
                    }
                }
                case APPLIED -> {
                    if (random.nextInt(100) < 4) recorder.info(c.handle, "timed out after committing");
                    else recorder.ok(c.handle, c.completed);
                    c.phase = Phase.IDLE;
                    busy--;
                }
                default -> throw new IllegalStateException();
            }
        }
        return recorder.history();
    }

    private static List<Object> run(List<Object> microOps, Map<Object, List<Object>> store) {
        List<Object> completed = new ArrayList<>();
        for (Object element : microOps) {
            List<?> mop = (List<?>) element;
            Object key = mop.get(1);
            List<Object> list = store.computeIfAbsent(key, k -> new ArrayList<>());
            if (mop.get(0).equals(":append")) {
                list.add(mop.get(2));
                completed.add(mop);
            } else {
                completed.add(TestHistory.read(key, List.copyOf(list)));
            }
        }
        return completed;
    }
}
