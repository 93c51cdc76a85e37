package io.conclave.bench.ycsb;

import io.conclave.node.KvClient;
import io.conclave.node.KvClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * YCSB over Conclave's native KV client: record {@code k} of table {@code t} is the key
 * {@code t/k} and its fields are one value ({@link FieldCodec}). A scan is a KV scan from
 * {@code t/startKey} to the end of the table with the count as its limit. An update of some fields
 * reads, merges and writes the record (not atomic: the KV API has no transactions yet). Kept thin
 * so that it can move to the range client.
 */
final class KvTarget implements Target {
    /** The benchmark's client deadlines: an overloaded cluster shows as latency, a dead one as errors. */
    static final KvClient.Options OPTIONS = new KvClient.Options(Duration.ofSeconds(5), Duration.ofSeconds(10), 20,
            Duration.ofMillis(10), Duration.ofMillis(200));

    private final KvClient client;

    KvTarget(KvClient client) {
        this.client = client;
    }

    static byte[] key(String table, String key) {
        return (table + "/" + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void init() {}

    @Override
    public void cleanup() {}

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, byte[]> result) {
        try {
            Optional<byte[]> value = client.get(key(table, key));
            if (value.isEmpty()) return Status.NOT_FOUND;
            project(FieldCodec.decode(value.get()), fields, result);
            return Status.OK;
        } catch (KvClientException e) {
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
            for (KvClient.Row row : client.scan(key(table, startKey), end, count)) {
                Map<String, byte[]> r = new java.util.LinkedHashMap<>();
                project(FieldCodec.decode(row.value()), fields, r);
                result.add(r);
            }
            return Status.OK;
        } catch (KvClientException e) {
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
        } catch (KvClientException e) {
            return status(e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, byte[]> values) {
        try {
            client.put(key(table, key), FieldCodec.encode(values));
            return Status.OK;
        } catch (KvClientException e) {
            return status(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            client.delete(key(table, key));
            return Status.OK;
        } catch (KvClientException e) {
            return status(e);
        }
    }

    private static Status status(KvClientException e) {
        return new Status("KV_" + String.valueOf(e.code()).replaceAll("[^A-Z0-9_]", "_"), String.valueOf(e.getMessage()));
    }
}
