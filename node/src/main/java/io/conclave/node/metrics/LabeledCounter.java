package io.conclave.node.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters told apart by the value of one label (a request's kind, a restart's reason). The
 * values come from code, not from users, but a bug could still make them unbounded: past
 * {@link #MAX_VALUES} distinct values, new ones are counted under {@link #OVERFLOW} instead of
 * growing the scrape without end.
 */
public final class LabeledCounter {
    /** Distinct label values kept apart; each is a line in every scrape. */
    public static final int MAX_VALUES = 64;
    /** The label value that counts everything past {@link #MAX_VALUES}. */
    public static final String OVERFLOW = "other";

    private final String labelName;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public LabeledCounter(String labelName) {
        this.labelName = Exposition.checkLabelName(labelName);
    }

    public void increment(String labelValue) {
        of(labelValue).increment();
    }

    /** The counter of one label value, created on first use. */
    public Counter of(String labelValue) {
        Counter c = counters.get(labelValue);
        if (c != null) return c;
        String key = counters.size() >= MAX_VALUES ? OVERFLOW : labelValue;
        return counters.computeIfAbsent(key, k -> new Counter());
    }

    public String labelName() {
        return labelName;
    }

    /** Every label value seen and its count, in label order. */
    public Map<String, Long> values() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The sum over all label values. */
    public long total() {
        long n = 0;
        for (Counter c : counters.values()) n += c.get();
        return n;
    }
}
