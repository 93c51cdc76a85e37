package io.conclave.tests.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BankCheckerTest {
    private static final List<Integer> ACCOUNTS = List.of(0, 1, 2);

    private static Map<Object, Object> balances(long... values) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) map.put(i, values[i]);
        return map;
    }

    private static Map<String, Object> transfer(int from, int to, long amount) {
        return Map.of("from", from, "to", to, "amount", amount);
    }

    @Test
    void consistentSnapshotsAreValid() {
        History history = new TestHistory()
                .call(0, "read", null, balances(10, 10, 10))
                .invoke(1, "transfer", transfer(0, 1, 5))
                .call(0, "read", null, balances(10, 10, 10))
                .ok(1, transfer(0, 1, 5))
                .call(0, "read", null, balances(5, 15, 10))
                .invoke(2, "read", null).info(2)
                .build();
        BankChecker.Result result = BankChecker.check(history, ACCOUNTS, 30);
        assertTrue(result.isValid(), result::toString);
        assertEquals(3, result.readsChecked());
    }

    @Test
    void tornTransferBreaksTheTotal() {
        History history = new TestHistory()
                .invoke(1, "transfer", transfer(0, 1, 5))
                .call(0, "read", null, balances(5, 10, 10)) // saw the debit but not the credit
                .ok(1, transfer(0, 1, 5))
                .build();
        BankChecker.Result result = BankChecker.check(history, ACCOUNTS, 30);
        assertFalse(result.isValid());
        assertEquals(1, result.badReads().size());
        assertTrue(result.toString().contains("total 25 instead of 30"), result::toString);
    }

    @Test
    void negativeUnknownAndMissingAccounts() {
        Map<Object, Object> weird = balances(-5, 35);
        weird.put(9, 0L);
        History history = new TestHistory().call(0, "read", null, weird).build();
        String report = BankChecker.check(history, ACCOUNTS, 30).toString();
        assertTrue(report.contains("account 0 is negative (-5)"), report);
        assertTrue(report.contains("unknown account 9"), report);
        assertTrue(report.contains("missing accounts [2]"), report);
    }

    @Test
    void randomSerialBankIsValidAndCorruptedReadsCaught() {
        Seeds.forEach("random bank histories", 200, BankCheckerTest::checkOneSeed);
    }

    private static void checkOneSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int accounts = 2 + random.nextInt(5);
        long[] balance = new long[accounts];
        java.util.Arrays.fill(balance, 10);
        List<Integer> names = new ArrayList<>();
        for (int a = 0; a < accounts; a++) names.add(a);
        TestHistory h = new TestHistory();
        int processes = 2 + random.nextInt(3);
        boolean[] busy = new boolean[processes];
        Object[] pendingResult = new Object[processes];
        for (int step = 0; step < 300; step++) {
            int p = random.nextInt(processes);
            if (!busy[p]) {
                if (random.nextBoolean()) {
                    h.invoke(p, "read", null);
                    pendingResult[p] = balances(balance.clone()); // the snapshot takes effect at invocation
                } else {
                    int from = random.nextInt(accounts);
                    int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
                    long amount = Math.min(balance[from], 1 + random.nextInt(5));
                    balance[from] -= amount;
                    balance[to] += amount;
                    h.invoke(p, "transfer", transfer(from, to, amount));
                    pendingResult[p] = transfer(from, to, amount);
                }
                busy[p] = true;
            } else {
                h.ok(p, pendingResult[p]);
                busy[p] = false;
            }
        }
        History history = h.build();
        long total = 10L * accounts;
        BankChecker.Result valid = BankChecker.check(history, names, total);
        assertTrue(valid.isValid(), valid::toString);

        List<History.Call> reads = history.calls().stream()
                .filter(c -> c.f().equals("read") && c.type() == Op.Type.OK).toList();
        if (reads.isEmpty()) return;
        History.Call victim = reads.get(random.nextInt(reads.size()));
        Map<Object, Object> corrupted = new LinkedHashMap<>((Map<?, ?>) victim.output());
        Object account = (long) random.nextInt(accounts);
        if (random.nextBoolean()) {
            corrupted.put(account, (Long) corrupted.get(account) + 1); // money from nowhere
        } else {
            Object other = ((Long) account + 1) % accounts;
            long moved = (Long) corrupted.get(account) + 1; // an overdraft that keeps the total
            corrupted.put(account, (Long) corrupted.get(account) - moved);
            corrupted.put(other, (Long) corrupted.get(other) + moved);
        }
        History broken = RandomRegisterHistory.withOutput(history, victim, corrupted);
        BankChecker.Result invalid = BankChecker.check(broken, names, total);
        assertEquals(1, invalid.badReads().size(), invalid::toString);
        assertEquals(victim.invokeIndex(), invalid.badReads().get(0).read().invokeIndex());
    }
}
