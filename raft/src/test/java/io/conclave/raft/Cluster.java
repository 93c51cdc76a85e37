package io.conclave.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-test network of RawNodes, each with a MemoryRaftStorage "disk" and a list of applied
 * entries as its state machine. Messages are queued and delivered by {@link #stabilize()};
 * filters drop messages to model partitions.
 */
final class Cluster {
    final Map<Long, RawNode> nodes = new TreeMap<>();
    final Map<Long, MemoryRaftStorage> storages = new TreeMap<>();
    final Map<Long, RaftConfig> configs = new TreeMap<>();
    /** Applied normal entries with data, per node (the state machine). */
    final Map<Long, List<String>> applied = new TreeMap<>();
    final Map<Long, Long> appliedIndex = new TreeMap<>();
    final Map<Long, List<ReadState>> readStates = new TreeMap<>();
    final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    /** All messages ever delivered or dropped, for assertions. */
    final List<Message> sent = new ArrayList<>();
    private final Set<Long> isolated = new HashSet<>();
    private final List<Predicate<Message>> dropFilters = new ArrayList<>();

    Cluster(RaftConfig template, long... ids) {
        ConfState cs = ConfState.ofVoters(ids);
        for (long id : ids) add(id, template, new MemoryRaftStorage(cs));
    }

    static RaftConfig config(long id) {
        return new RaftConfig(id, 10, 1, 1 << 20, 256, RaftConfig.NO_INFLIGHT_BYTES_BOUND, 64L << 20, true, true, 0, id);
    }

    static Cluster of(long... ids) {
        return new Cluster(config(1), ids);
    }

    void add(long id, RaftConfig template, MemoryRaftStorage storage) {
        RaftConfig cfg = new RaftConfig(id, template.electionTicks(), template.heartbeatTicks(),
                template.maxSizePerMsgBytes(), template.maxInflightMsgs(), template.maxInflightBytes(),
                template.maxUncommittedBytes(),
                template.preVote(), template.checkQuorum(), 0, id * 7919);
        configs.put(id, cfg);
        storages.put(id, storage);
        nodes.put(id, new RawNode(cfg, storage));
        applied.put(id, new ArrayList<>());
        appliedIndex.put(id, 0L);
        readStates.put(id, new ArrayList<>());
    }

    /** Restarts a node from what its storage holds (volatile state lost). */
    void restart(long id) {
        RaftConfig cfg = configs.get(id).withApplied(appliedIndex.get(id));
        nodes.put(id, new RawNode(cfg, storages.get(id)));
    }

    RawNode node(long id) {
        return nodes.get(id);
    }

    Raft raft(long id) {
        return nodes.get(id).raft();
    }

    void isolate(long id) {
        isolated.add(id);
    }

    boolean isIsolated(long id) {
        return isolated.contains(id);
    }

    void heal() {
        isolated.clear();
        dropFilters.clear();
    }

    void drop(Predicate<Message> filter) {
        dropFilters.add(filter);
    }

    /** Handles every pending Ready of {@code id} as a correct caller would. */
    void process(long id) {
        RawNode n = nodes.get(id);
        MemoryRaftStorage st = storages.get(id);
        for (int guard = 0; guard < 1000 && n.hasReady(); guard++) {
            Ready rd = n.ready();
            if (!rd.snapshot().isEmpty()) {
                st.applySnapshot(rd.snapshot());
                applied.get(id).clear();
                applied.get(id).add("snapshot@" + rd.snapshot().metadata().index() + ":"
                        + new String(rd.snapshot().data(), StandardCharsets.UTF_8));
                appliedIndex.put(id, rd.snapshot().metadata().index());
            }
            st.append(rd.entries());
            if (rd.hardState() != null) st.setHardState(rd.hardState());
            inFlight.addAll(rd.messages());
            for (Entry e : rd.committedEntries()) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    st.setConfState(n.applyConfChange(ConfChange.decode(e.data())));
                } else if (e.data().length > 0) {
                    applied.get(id).add(new String(e.data(), StandardCharsets.UTF_8));
                }
                appliedIndex.put(id, e.index());
            }
            readStates.get(id).addAll(rd.readStates());
            n.advance(rd);
        }
    }

    void processAll() {
        for (long id : nodes.keySet()) process(id);
    }

    /** Whether the current partitions and filters drop {@code m}. */
    boolean blocked(Message m) {
        return dropped(m);
    }

    private boolean dropped(Message m) {
        if (isolated.contains(m.from()) || isolated.contains(m.to())) return true;
        for (Predicate<Message> f : dropFilters) {
            if (f.test(m)) return true;
        }
        return !nodes.containsKey(m.to());
    }

    /** Delivers messages until nothing moves; bounded. */
    void stabilize() {
        for (int round = 0; round < 10_000; round++) {
            processAll();
            if (inFlight.isEmpty()) return;
            List<Message> batch = new ArrayList<>(inFlight);
            inFlight.clear();
            for (Message m : batch) {
                sent.add(m);
                if (!dropped(m)) nodes.get(m.to()).step(m);
            }
        }
        throw new AssertionError("cluster did not stabilize");
    }

    void tickAll(int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (RawNode n : nodes.values()) n.tick();
            stabilize();
        }
    }

    void campaign(long id) {
        nodes.get(id).campaign();
        stabilize();
    }

    long leader() {
        long leader = 0;
        for (Map.Entry<Long, RawNode> e : nodes.entrySet()) {
            if (e.getValue().status().softState().role() == Role.LEADER && !isolated.contains(e.getKey())) {
                leader = e.getKey();
            }
        }
        return leader;
    }

    long propose(long id, String data) {
        long index = nodes.get(id).propose(data.getBytes(StandardCharsets.UTF_8));
        stabilize();
        return index;
    }

    /** Snapshots {@code id}'s state machine at its applied index and compacts its log there. */
    void compact(long id) {
        MemoryRaftStorage st = storages.get(id);
        long index = appliedIndex.get(id);
        st.createSnapshot(index, st.confState(), String.join(",", applied.get(id)).getBytes(StandardCharsets.UTF_8));
        st.compact(index);
    }

    /** Messages of {@code type} sent to {@code to} so far. */
    List<Message> sentOf(MessageType type, long to) {
        List<Message> out = new ArrayList<>();
        for (Message m : sent) if (m.type() == type && m.to() == to) out.add(m);
        return out;
    }

    Role role(long id) {
        return raft(id).role;
    }

    long term(long id) {
        return raft(id).term;
    }

    long committed(long id) {
        return raft(id).log.committed;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
