package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a set workload: "add" calls (value: the element) followed by a final "read" (an OK read's
 * value: the set, or a list, of every element present). Jepsen's set checker.
 *
 * <ul>
 *   <li><b>lost</b>: an add acknowledged OK before the final read began, missing from the read.
 *       This is the one durability failure: an acknowledged write was lost.</li>
 *   <li><b>unexpected</b>: an element in the read that no add ever attempted.</li>
 *   <li><b>recovered</b>: an add whose outcome was unknown (INFO), or FAIL, or OK but concurrent
 *       with the read, which is present; <b>never</b>: such an add that is absent. Both are
 *       allowed and reported as counts, since an INFO add may or may not have happened.</li>
 * </ul>
 *
 * <p>The final read is the last OK read to complete. Elements are compared by value, so an add's
 * elements must be unique in a test for "lost" to be meaningful.
 */
public final class SetChecker {
    private SetChecker() {}

    /**
     * @param finalRead the read checked against, or null if there was none (which is INVALID:
     *     nothing was verified)
     * @param okAdds adds acknowledged before the final read began
     * @param lost acknowledged elements missing from the final read, in add order
     * @param unexpected elements read that no add attempted
     * @param recovered unacknowledged (or concurrent) adds present in the read
     * @param never unacknowledged (or concurrent) adds absent from the read
     */
    public record Result(History.Call finalRead, int okAdds, List<Object> lost, List<Object> unexpected,
                         int recovered, int never) {
        public Result {
            lost = List.copyOf(lost);
            unexpected = List.copyOf(unexpected);
        }

        public boolean isValid() {
            return finalRead != null && lost.isEmpty() && unexpected.isEmpty();
        }

        @Override
        public String toString() {
            if (finalRead == null) return "INVALID: no successful final read, nothing verified";
            return (isValid() ? "VALID" : "INVALID") + ": " + okAdds + " acknowledged adds, "
                    + lost.size() + " lost " + Values.format(lost) + ", "
                    + unexpected.size() + " unexpected " + Values.format(unexpected) + ", "
                    + recovered + " recovered, " + never + " never present; final read " + finalRead;
        }
    }

    public static Result check(History history) {
        History.Call finalRead = null;
        for (History.Call call : history.calls()) {
            if (call.f().equals("read") && call.type() == Op.Type.OK
                    && (finalRead == null || call.completeIndex() > finalRead.completeIndex())) {
                finalRead = call;
            }
        }
        if (finalRead == null) return new Result(null, 0, List.of(), List.of(), 0, 0);
        Object output = finalRead.output();
        Checks.check(output instanceof Collection<?>, "the final read must return a set, got %s", finalRead);
        Set<Object> present = new LinkedHashSet<>((Collection<?>) output);

        Set<Object> attempted = new LinkedHashSet<>();
        List<Object> lost = new ArrayList<>();
        int okAdds = 0;
        int recovered = 0;
        int never = 0;
        for (History.Call call : history.calls()) {
            if (!call.f().equals("add")) continue;
            Object element = call.input();
            attempted.add(element);
            boolean certain = call.type() == Op.Type.OK && call.precedes(finalRead);
            if (certain) {
                okAdds++;
                if (!present.contains(element)) lost.add(element);
            } else if (present.contains(element)) {
                recovered++;
            } else {
                never++;
            }
        }
        List<Object> unexpected = new ArrayList<>();
        for (Object element : present) {
            if (!attempted.contains(element)) unexpected.add(element);
        }
        return new Result(finalRead, okAdds, lost, unexpected, recovered, never);
    }
}
