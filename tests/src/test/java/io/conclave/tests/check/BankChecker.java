package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a bank workload: money moves between a fixed set of accounts by "transfer" calls
 * (value {@code {"from" a, "to" b, "amount" n}}, not inspected here), and "read" calls return a
 * snapshot of every balance (an OK read's value is a map account -> balance).
 *
 * <p>Under snapshot isolation or anything stronger, every snapshot shows the same total, only the
 * known accounts, all of them, and no negative balance (transfers never overdraw). A read that
 * breaks any of these saw a state no serial order of the transfers produces: a torn transfer
 * (read skew), a lost or duplicated one, or garbage.
 *
 * <p>What it cannot see: a transfer applied twice and another lost in between keeps the total;
 * reads that go back in time (stale but consistent snapshots) pass. The linearizability and
 * list-append checkers cover those orders.
 */
public final class BankChecker {
    private BankChecker() {}

    /** A read that broke an invariant, and how. */
    public record BadRead(History.Call read, String problem) {
        @Override
        public String toString() {
            return problem + ": " + read;
        }
    }

    /**
     * @param readsChecked OK reads examined
     * @param badReads every read that broke an invariant, in invocation order
     */
    public record Result(int readsChecked, List<BadRead> badReads) {
        public Result {
            badReads = List.copyOf(badReads);
        }

        public boolean isValid() {
            return badReads.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(isValid() ? "VALID" : "INVALID")
                    .append(": ").append(readsChecked).append(" reads, ").append(badReads.size()).append(" bad");
            for (BadRead bad : badReads) out.append("\n  ").append(bad);
            return out.toString();
        }
    }

    /** Checks every OK read of {@code history} against {@code accounts} and {@code expectedTotal}. */
    public static Result check(History history, Collection<?> accounts, long expectedTotal) {
        @SuppressWarnings("unchecked")
        Set<Object> known = new LinkedHashSet<>((Collection<Object>) Values.normalize(List.copyOf(accounts)));
        Checks.check(!known.isEmpty(), "a bank needs at least one account");
        int reads = 0;
        List<BadRead> bad = new ArrayList<>();
        for (History.Call call : history.calls()) {
            if (!call.f().equals("read") || call.type() != Op.Type.OK) continue;
            reads++;
            String problem = problemWith(call.output(), known, expectedTotal);
            if (problem != null) bad.add(new BadRead(call, problem));
        }
        return new Result(reads, bad);
    }

    private static String problemWith(Object value, Set<Object> known, long expectedTotal) {
        if (!(value instanceof Map<?, ?> balances)) return "not a map of balances";
        List<String> problems = new ArrayList<>();
        long total = 0;
        boolean summable = true;
        for (Map.Entry<?, ?> e : balances.entrySet()) {
            String account = Values.format(e.getKey());
            if (!known.contains(e.getKey())) problems.add("unknown account " + account);
            if (!(e.getValue() instanceof Long balance)) {
                problems.add("account " + account + " has no balance: " + Values.format(e.getValue()));
                summable = false;
                continue;
            }
            if (balance < 0) problems.add("account " + account + " is negative (" + balance + ")");
            total += balance;
        }
        List<String> missing = new ArrayList<>();
        for (Object account : known) {
            if (!balances.containsKey(account)) missing.add(Values.format(account));
        }
        if (!missing.isEmpty()) problems.add("missing accounts " + missing);
        if (summable && total != expectedTotal) {
            problems.add("total " + total + " instead of " + expectedTotal);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
