package io.conclave.bench.ycsb;

import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * YCSB over Conclave's native KV API through the {@link RangeClient} (range cache, requests to
 * each range's leaseholder): record {@code k} of table {@code t} is the key {@code t/k} and its
 * fields are one value ({@link FieldCodec}). A scan is a KV scan from {@code t/startKey} to the
 * end of the table with the count as its limit. An update of some fields reads, merges and
 * writes the record (not atomic: the KV API has no transactions yet). A load batch is one
 * {@code putAll} (parallel puts, no atomicity). Kept thin so that it can move to transactions.
 */
final class KvTarget implements Target {
    private final RangeClient client;

    KvTarget(RangeClient client) {
        this.client = client;
    }

    static byte[] key(String table, String key) {
        return (table + "/" + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override public void init() {}

    @Override public void cleanup() {}

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, byte[]> result) {
        try {
            Optional<byte[]> value = client.get(key(table, key));
            if (value.isEmpty()) return Status.NOT_FOUND;
            project(FieldCodec.decode(value.get()), fields, result);
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    private static void project(Map<String, byte[]> record, Set<String> fields, Map<String, byte[]> into) {
        if (fields == null) into.putAll(record);
        else for (String f : fields) if (record.containsKey(f)) into.put(f, record.get(f));
    }

    @Override
    public Status scan(String table, String startKey, int count, Set<String> fields, List<Map<String, byte[]>> result) {
        try {
            byte[] end = (table + "0").getBytes(StandardCharsets.UTF_8); // '0' follows '/': the end of the table
            for (KeyValue row : client.scan(key(table, startKey), end, count)) {
                Map<String, byte[]> r = new LinkedHashMap<>();
                project(FieldCodec.decode(row.value()), fields, r);
                result.add(r);
            }
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    @Override
    public Status update(String table, String key, Map<String, byte[]> values) {
        try {
            Optional<byte[]> old = client.get(key(table, key));
            if (old.isEmpty()) return Status.NOT_FOUND;
            Map<String, byte[]> record = FieldCodec.decode(old.get());
            record.putAll(values);
            client.put(key(table, key), FieldCodec.encode(record));
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, byte[]> values) {
        try {
            client.put(key(table, key), FieldCodec.encode(values));
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    @Override
    public Status insertBatch(String table, List<String> keys, List<Map<String, byte[]>> records) {
        List<KeyValue> pairs = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) pairs.add(new KeyValue(key(table, keys.get(i)), FieldCodec.encode(records.get(i))));
        try {
            client.putAll(pairs);
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            client.delete(key(table, key));
            return Status.OK;
        } catch (KvException e) {
            return status(e);
        }
    }

    /**
     * A KV error counted by its code. Every operation here may run again (a put writes the whole
     * value it was given), so a timeout or a write whose outcome is unknown is retryable.
     */
    static Status status(KvException e) {
        boolean retryable = switch (e.code()) {
            case TIMEOUT, AMBIGUOUS_RESULT, PROPOSAL_DROPPED -> true;
            default -> false;
        };
        return new Status("KV_" + String.valueOf(e.code()).replaceAll("[^A-Z0-9_]", "_"), String.valueOf(e.getMessage()),
                retryable);
    }
}
