package io.conclave.tests.process;

import io.conclave.raft.Entry;
import io.conclave.range.Keys;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.mvcc.MvccKeys;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.storage.GroupStorage;
import io.conclave.storage.KeyValue;
import io.conclave.storage.Store;
import io.conclave.storage.StoreOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the stores of stopped nodes against each other and against the writes clients saw
 * acknowledged. Opening a store directly (instead of asking the node) reads exactly what survived
 * on disk, which is the point of a kill -9 test.
 *
 * <p>User keys are stored as they are; a range's data is the span of the descriptor it stores at
 * {@link Keys#rangeDescriptorKey}, and the initial ranges are those of
 * {@link Scheduler#initialRanges} (these tests do not split).
 */
final class ReplicaCheck {
    /** Most keys one group may hold in these tests; scans beyond it would mean a runaway writer. */
    static final int MAX_KEYS_PER_GROUP = 100_000;
    /** Log bytes read per call when walking a replica's log. */
    static final long READ_CHUNK_BYTES = 4L << 20;

    private ReplicaCheck() {}

    /** What one replica of one group holds on disk. */
    record GroupImage(long nodeId, long groupId, long applied, long firstIndex, long lastIndex,
            List<Entry> appliedLog, Map<String, byte[]> data) {}

    /** Reads group {@code groupId} from the store at {@code storeDir}; the node must be stopped. */
    static GroupImage read(long nodeId, Path storeDir, long groupId) {
        try (Store store = Store.open(storeDir, StoreOptions.defaults())) {
            GroupStorage g = store.group(groupId);
            long applied = g.appliedIndex();
            long first = g.firstIndex();
            List<Entry> log = new ArrayList<>();
            for (long lo = first; lo <= applied; ) {
                List<Entry> chunk = g.entries(lo, applied + 1, READ_CHUNK_BYTES);
                if (chunk.isEmpty()) throw new IllegalStateException("node " + nodeId + " group " + groupId
                        + ": no entries from " + lo + " though applied is " + applied);
                log.addAll(chunk);
                lo = chunk.get(chunk.size() - 1).index() + 1;
            }
            Map<String, byte[]> data = new LinkedHashMap<>();
            byte[] descriptor = store.get(Keys.rangeDescriptorKey(groupId)).orElseThrow(() -> new IllegalStateException(
                    "node " + nodeId + " has no descriptor of range " + groupId));
            RangeDescriptor d;
            try {
                d = RangeDescriptor.parseFrom(descriptor);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("node " + nodeId + ": corrupt descriptor of range " + groupId, e);
            }
            Set<String> decided = new HashSet<>();
            byte[] start = Keys.dataStart(d.getStartKey().toByteArray());
            for (KeyValue kv : store.scan(MvccKeys.storeKey(start), MvccKeys.storeKey(d.getEndKey().toByteArray()),
                    MAX_KEYS_PER_GROUP)) {
                putLatest(data, decided, kv);
            }
            return new GroupImage(nodeId, groupId, applied, first, g.lastIndex(), log, data);
        }
    }

    /**
     * Adds what a stored key means to the data image. User keys are multi-version in the store:
     * the newest version of a key (they sort newest first) is its value, a tombstone removes it,
     * intents and transaction records are not data. Keys below the user space are stored as is.
     */
    private static void putLatest(Map<String, byte[]> data, Set<String> decided, KeyValue kv) {
        if (!MvccKeys.isMvcc(kv.key())) {
            data.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
            return;
        }
        MvccKeys.Decoded key = MvccKeys.decode(kv.key());
        if (key.kind() != MvccKeys.Kind.VERSION) return;
        String name = new String(key.userKey(), StandardCharsets.UTF_8);
        if (!decided.add(name)) return; // an older version
        if (!MvccKeys.isTombstone(kv.value())) data.put(name, MvccKeys.decodeValue(kv.value()));
    }

    /**
     * Every replica applied the same log: at every index up to the lowest applied index that two
     * replicas both still hold, the same term, type and data. (Waiting for catch-up makes the
     * applied indexes equal, but a late election between the last status poll and the kill may
     * append one more entry on some replicas; that is not a divergence.) Returns a description of
     * the first difference, or null.
     */
    static String compareLogs(List<GroupImage> replicas) {
        long commonApplied = replicas.stream().mapToLong(GroupImage::applied).min().orElseThrow();
        GroupImage base = replicas.get(0);
        for (GroupImage r : replicas.subList(1, replicas.size())) {
            long lo = Math.max(base.firstIndex(), r.firstIndex());
            for (long i = lo; i <= commonApplied; i++) {
                Entry a = entryAt(base, i);
                Entry b = entryAt(r, i);
                if (a.term() != b.term() || a.type() != b.type() || !Arrays.equals(a.data(), b.data())) {
                    return "group " + base.groupId() + " index " + i + ": node " + base.nodeId() + " has " + a
                            + " but node " + r.nodeId() + " has " + b;
                }
            }
        }
        return null;
    }

    /**
     * Replicas that applied the same index hold the same keys and values. Returns the first
     * difference, or null.
     */
    static String compareData(List<GroupImage> replicas) {
        GroupImage base = replicas.get(0);
        if (replicas.stream().anyMatch(r -> r.applied() != base.applied())) return null;
        for (GroupImage r : replicas.subList(1, replicas.size())) {
            if (!r.data().keySet().equals(base.data().keySet())) {
                return "group " + base.groupId() + ": node " + base.nodeId() + " holds " + base.data().size()
                        + " keys, node " + r.nodeId() + " holds " + r.data().size() + " (different key sets)";
            }
            for (Map.Entry<String, byte[]> e : base.data().entrySet()) {
                if (!Arrays.equals(e.getValue(), r.data().get(e.getKey()))) {
                    return "group " + base.groupId() + " key " + e.getKey() + ": value differs between node "
                            + base.nodeId() + " and node " + r.nodeId();
                }
            }
        }
        return null;
    }

    /** Acknowledged writes missing or wrong on any replica, at most {@code limit} of them described. */
    static List<String> missingAcknowledged(Map<String, String> acknowledged, Map<Long, List<GroupImage>> byGroup,
            int groupCount, int limit) {
        List<RangeDescriptor> ranges = Scheduler.initialRanges(List.of(1L), groupCount);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> w : acknowledged.entrySet()) {
            byte[] key = w.getKey().getBytes(StandardCharsets.UTF_8);
            long group = 0;
            for (RangeDescriptor d : ranges) {
                if (Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), key)) group = d.getRangeId();
            }
            for (GroupImage r : byGroup.get(group)) {
                byte[] stored = r.data().get(w.getKey());
                if (stored == null || !w.getValue().equals(new String(stored, StandardCharsets.UTF_8))) {
                    if (problems.size() < limit) {
                        problems.add("acknowledged " + w.getKey() + " (group " + group + ") is "
                                + (stored == null ? "missing" : "different") + " on node " + r.nodeId());
                    }
                }
            }
        }
        return problems;
    }

    /** Stored keys that no client ever tried to write with that value: garbage or corruption. */
    static List<String> unexpected(Map<String, String> attempted, Map<Long, List<GroupImage>> byGroup, int limit) {
        List<String> problems = new ArrayList<>();
        for (List<GroupImage> replicas : byGroup.values()) {
            for (GroupImage r : replicas) {
                for (Map.Entry<String, byte[]> kv : r.data().entrySet()) {
                    String value = new String(kv.getValue(), StandardCharsets.UTF_8);
                    if (!value.equals(attempted.get(kv.getKey())) && problems.size() < limit) {
                        problems.add("node " + r.nodeId() + " group " + r.groupId() + " holds " + kv.getKey() + " = "
                                + value + ", which no client wrote");
                    }
                }
            }
        }
        return problems;
    }

    private static Entry entryAt(GroupImage r, long index) {
        Entry e = r.appliedLog().get((int) (index - r.firstIndex()));
        if (e.index() != index) {
            throw new IllegalStateException("node " + r.nodeId() + " log is not contiguous: expected index " + index
                    + ", found " + e);
        }
        return e;
    }

    static byte[] groupStart(long groupId) {
        return ByteBuffer.allocate(8).putLong(groupId).array();
    }
}
