package io.conclave.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The Raft protocol proper (Ongaro's thesis, structured like etcd's raft.go). Single-threaded and
 * deterministic: state changes only through {@link #tick()}, {@link #step(Message)} and the local
 * requests; output accumulates in {@link #msgs} and {@link #readStates} for {@link RawNode} to
 * hand out in a {@link Ready}.
 */
final class Raft {
    /** Vote context marking an election started by a leader transfer (bypasses stickiness). */
    static final byte[] TRANSFER_CONTEXT = "conclave-leader-transfer".getBytes(StandardCharsets.US_ASCII);

    private enum CampaignType { PRE_ELECTION, ELECTION, TRANSFER }

    final long id;
    long term;
    long vote;
    long lead;
    Role role = Role.FOLLOWER;
    final RaftLog log;
    final ProgressTracker trk;
    final List<Message> msgs = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();

    private final int electionTicks;
    private final int heartbeatTicks;
    private final boolean checkQuorum;
    private final boolean preVote;
    private final long maxMsgSizeBytes;
    private final long maxUncommittedBytes;
    private final int maxInflight;
    private final long maxInflightBytes;
    private final SplittableRandom random;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Payload bytes appended by this leader and not yet applied. */
    private long uncommittedBytes;
    /** Index of the last conf change appended by this leader; a new one waits until it is applied. */
    long pendingConfIndex;
    long leadTransferee;
    /** Index of an appended, unapplied conf change removing this leader (0: none). */
    private long selfRemovalIndex;
    boolean isLearner;
    private ReadOnly readOnly = new ReadOnly();
    /** Last index of the membership entries this replica bootstrapped in memory (0 if none). */
    private long bootstrapIndex;
    /** Term in which a TIMEOUT_NOW arrived that must wait for conf changes to apply (0: none). */
    private long transferCampaignTerm;

    Raft(RaftConfig config, RaftStorage storage) {
        this.id = config.id();
        this.electionTicks = config.electionTicks();
        this.heartbeatTicks = config.heartbeatTicks();
        this.checkQuorum = config.checkQuorum();
        this.preVote = config.preVote();
        this.maxMsgSizeBytes = config.maxSizePerMsgBytes();
        this.maxUncommittedBytes = config.maxUncommittedBytes();
        this.maxInflight = config.maxInflightMsgs();
        this.maxInflightBytes = config.maxInflightBytes();
        this.random = new SplittableRandom(config.randomSeed());
        this.trk = new ProgressTracker(maxInflight);
        this.log = new RaftLog(storage, Math.max(config.maxSizePerMsgBytes(), 1L << 20));

        HardState hs = storage.hardState();
        ConfState cs = storage.confState();
        applyConfStateToTracker(cs);
        boolean bootstrap = storage.lastIndex() == 0 && hs.equals(HardState.EMPTY) && !cs.voters().isEmpty();
        if (bootstrap) {
            bootstrap(cs);
        } else if (!hs.equals(HardState.EMPTY)) {
            Invariants.check(hs.commit() <= log.lastIndex(),
                    "persisted commit %d is beyond the persisted last index %d (log lost or truncated?)",
                    hs.commit(), log.lastIndex());
            // A snapshot is committed by definition, so a commit below it only means the hard
            // state was written before the snapshot; never move below the snapshot.
            log.committed = Math.max(hs.commit(), log.committed);
            term = hs.term();
            vote = hs.vote();
        }
        long applied = Math.max(config.applied(), log.applied);
        if (applied > log.committed && applied <= log.lastIndex()) {
            // Only committed entries are ever applied, so an applied index persisted with the
            // state machine proves them committed; the hard state's commit may simply lag (a
            // commit-only hard state needs no sync).
            log.commitTo(applied);
        }
        Invariants.check(applied <= log.committed,
                "config.applied %d is beyond the persisted commit index %d and last index %d",
                applied, log.committed, log.lastIndex());
        log.appliedTo(applied);
        becomeFollower(term, 0);
    }

    /**
     * A brand-new group: every initial member writes the same conf change entries (one per
     * member, in id order, term 1) and treats them as committed, so that the membership is in the
     * log and a replica added later learns it by replicating the log from index 1.
     */
    private void bootstrap(ConfState cs) {
        List<Entry> ents = new ArrayList<>();
        long index = 1;
        for (long v : new TreeSet<>(cs.voters())) {
            ents.add(new Entry(1, index++, EntryType.CONF_CHANGE,
                    new ConfChange(ConfChange.ConfChangeType.ADD_VOTER, v).encode()));
        }
        for (long l : new TreeSet<>(cs.learners())) {
            ents.add(new Entry(1, index++, EntryType.CONF_CHANGE,
                    new ConfChange(ConfChange.ConfChangeType.ADD_LEARNER, l).encode()));
        }
        term = 1;
        log.append(ents);
        log.committed = ents.size();
        bootstrapIndex = ents.size();
    }

    // ---------------------------------------------------------------- state transitions

    private void reset(long newTerm) {
        Invariants.check(newTerm >= term, "term must not decrease: %d -> %d", term, newTerm);
        if (newTerm != term) {
            term = newTerm;
            vote = 0;
            transferCampaignTerm = 0;
        }
        lead = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = electionTicks + random.nextInt(electionTicks);
        leadTransferee = 0;
        trk.resetVotes();
        long last = log.lastIndex();
        for (Map.Entry<Long, Progress> e : trk.progress.entrySet()) {
            Progress pr = new Progress(last + 1, maxInflight, maxInflightBytes, e.getValue().isLearner);
            // Our own match is what is persisted: entries still in a caller's unfinished write
            // must not count toward a quorum (see appendEntries).
            if (e.getKey() == id) pr.match = log.persistedLastIndex();
            e.setValue(pr);
        }
        pendingConfIndex = 0;
        selfRemovalIndex = 0;
        uncommittedBytes = 0;
        readOnly = new ReadOnly();
    }

    void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        role = Role.FOLLOWER;
    }

    private void becomePreCandidate() {
        Invariants.check(role != Role.LEADER, "invalid transition leader -> pre-candidate");
        // Pre-vote changes neither term nor vote: a partitioned node does not disturb anyone.
        trk.resetVotes();
        lead = 0;
        role = Role.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        Invariants.check(role != Role.LEADER, "invalid transition leader -> candidate");
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        Invariants.check(role != Role.FOLLOWER, "invalid transition follower -> leader");
        reset(term);
        lead = id;
        role = Role.LEADER;
        Progress self = trk.get(id);
        self.becomeReplicate();
        self.recentActive = true;
        // Entries of earlier terms commit only through an entry of this term (§5.4.2).
        boolean ok = appendEntries(List.of(new Entry(0, 0, EntryType.NORMAL, new byte[0])));
        Invariants.check(ok, "empty entry dropped when becoming leader");
        // Any conf change in the uncommitted tail may be pending, and none may be proposed
        // before this term's first entry is applied (see package-info): be conservative.
        pendingConfIndex = log.lastIndex();
        selfRemovalIndex = findSelfRemoval(log.applied + 1, log.lastIndex() + 1);
    }

    // ---------------------------------------------------------------- ticks

    void tick() {
        if (role == Role.LEADER) tickHeartbeat();
        else tickElection();
    }

    private void tickElection() {
        // Saturate: a replica outside the configuration ticks forever without campaigning.
        if (electionElapsed < Integer.MAX_VALUE) electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            hup(preVote ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= electionTicks) {
            electionElapsed = 0;
            if (checkQuorum) {
                if (!trk.quorumActive(id)) {
                    becomeFollower(term, 0);
                    return;
                }
                for (Map.Entry<Long, Progress> e : trk.progress.entrySet()) {
                    e.getValue().recentActive = e.getKey() == id;
                }
            }
            if (leadTransferee != 0) abortLeaderTransfer();
            if (!trk.voters.contains(id)) startRemovedLeaderHandover();
            if (role != Role.LEADER) return;
        }
        if (heartbeatElapsed >= heartbeatTicks) {
            heartbeatElapsed = 0;
            bcastHeartbeat();
        }
    }

    /** Whether this replica may become leader: it is a voter of the configuration it knows. */
    boolean promotable() {
        return trk.voters.contains(id) && !isLearner;
    }

    // ---------------------------------------------------------------- elections

    void campaignNow() {
        hup(preVote ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
    }

    private void hup(CampaignType type) {
        if (role == Role.LEADER) return;
        if (!promotable()) return;
        // A conf change committed but not applied may change who votes; wait for it.
        if (hasUnappliedConfChanges()) return;
        campaign(type);
    }

    /** The index of a conf change entry in [lo, hi) removing this replica, or 0. */
    private long findSelfRemoval(long lo, long hi) {
        long found = 0;
        while (lo < hi) {
            List<Entry> page;
            try {
                page = log.slice(lo, hi, 1L << 20);
            } catch (RaftStorage.CompactedException e) {
                return found;
            }
            if (page.isEmpty()) return found;
            for (Entry e : page) {
                if (e.type() != EntryType.CONF_CHANGE) continue;
                ConfChange cc = ConfChange.decode(e.data());
                if (cc.nodeId() == id && cc.type() == ConfChange.ConfChangeType.REMOVE_NODE) found = e.index();
            }
            lo = page.get(page.size() - 1).index() + 1;
        }
        return found;
    }

    private boolean hasUnappliedConfChanges() {
        // Bootstrap entries are already reflected in the tracker; campaigning before the caller
        // applied them is safe (and lets a fresh single-replica group campaign at once).
        long lo = Math.max(log.applied, bootstrapIndex) + 1;
        long hi = log.committed + 1;
        while (lo < hi) {
            List<Entry> page;
            try {
                page = log.slice(lo, hi, 1L << 20);
            } catch (RaftStorage.CompactedException e) {
                return false;
            }
            if (page.isEmpty()) return false;
            for (Entry e : page) {
                if (e.type() == EntryType.CONF_CHANGE) return true;
            }
            lo = page.get(page.size() - 1).index() + 1;
        }
        return false;
    }

    /** Called after the caller applied entries: runs a transfer campaign that had to wait. */
    void afterApply() {
        if (transferCampaignTerm != 0 && transferCampaignTerm == term && role == Role.FOLLOWER
                && promotable() && !hasUnappliedConfChanges()) {
            transferCampaignTerm = 0;
            campaign(CampaignType.TRANSFER);
        }
    }

    private void campaign(CampaignType type) {
        long voteTerm;
        MessageType voteType;
        if (type == CampaignType.PRE_ELECTION) {
            becomePreCandidate();
            voteType = MessageType.PRE_VOTE;
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteType = MessageType.VOTE;
            voteTerm = term;
        }
        trk.recordVote(id, true);
        if (trk.voteResult() == ProgressTracker.VoteResult.WON) {
            // A single-voter group wins at once.
            if (type == CampaignType.PRE_ELECTION) campaign(CampaignType.ELECTION);
            else becomeLeader();
            return;
        }
        byte[] ctx = type == CampaignType.TRANSFER ? TRANSFER_CONTEXT : null;
        long lastIndex = log.lastIndex();
        long lastTerm = log.lastTerm();
        for (long voter : trk.voters) {
            if (voter == id) continue;
            send(new Message(voteType, id, voter, voteTerm, lastTerm, lastIndex, null, 0, false, 0, null, ctx));
        }
    }

    private ProgressTracker.VoteResult poll(long from, boolean granted) {
        trk.recordVote(from, granted);
        return trk.voteResult();
    }

    // ---------------------------------------------------------------- step

    void step(Message m) {
        if (m.term() == 0) {
            // Local-style requests (READ_INDEX, TRANSFER_LEADER) carry no term.
        } else if (m.term() > term) {
            if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
                boolean force = Arrays.equals(m.context(), TRANSFER_CONTEXT);
                boolean inLease = checkQuorum && lead != 0 && electionElapsed < electionTicks;
                if (!force && inLease) {
                    // Leader stickiness: we heard from a live leader within the election timeout,
                    // so this candidate is likely a rejoining partitioned node; do not let it
                    // disrupt the group (neither bump our term nor vote).
                    return;
                }
            }
            if (m.type() == MessageType.PRE_VOTE) {
                // A pre-vote never changes our term.
            } else if (m.type() == MessageType.PRE_VOTE_RESPONSE && !m.reject()) {
                // Granted pre-votes carry the future term; we bump it only on winning.
            } else if (m.type() == MessageType.APPEND || m.type() == MessageType.HEARTBEAT
                    || m.type() == MessageType.SNAPSHOT) {
                becomeFollower(m.term(), m.from());
            } else if (role == Role.LEADER) {
                becomeFollower(m.term(), 0);
            } else {
                // Not from a leader (a vote request we may well reject, or a response): adopt the
                // term but keep our election timer running. Resetting it would let candidates
                // with stale logs, timing out faster, starve the only electable replicas of
                // their timeouts forever (the paper resets the timer only on hearing from the
                // leader or on granting a vote).
                int elapsed = electionElapsed;
                int timeout = randomizedElectionTimeout;
                becomeFollower(m.term(), 0);
                electionElapsed = elapsed;
                randomizedElectionTimeout = timeout;
            }
        } else if (m.term() < term) {
            if ((checkQuorum || preVote) && (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.APPEND)) {
                // A stale leader (e.g. one that was partitioned) learns of the newer term and
                // steps down; otherwise with pre-vote it could never be deposed by our votes.
                send(message(MessageType.APPEND_RESPONSE, m.from()));
            } else if (m.type() == MessageType.PRE_VOTE) {
                send(new Message(MessageType.PRE_VOTE_RESPONSE, id, m.from(), term, 0, 0, null, 0, true, 0, null, null));
            }
            return;
        }

        switch (m.type()) {
            case VOTE, PRE_VOTE -> handleVoteRequest(m);
            default -> {
                switch (role) {
                    case LEADER -> stepLeader(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                }
            }
        }
    }

    private void handleVoteRequest(Message m) {
        boolean canVote = vote == m.from()
                || (vote == 0 && lead == 0)
                || (m.type() == MessageType.PRE_VOTE && m.term() > term);
        MessageType respType = m.type() == MessageType.VOTE ? MessageType.VOTE_RESPONSE : MessageType.PRE_VOTE_RESPONSE;
        if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
            // Answer with the request's term: for a pre-vote that is the future term the
            // candidate would use; for a vote it is our (now equal) term.
            send(new Message(respType, id, m.from(), m.term(), 0, 0, null, 0, false, 0, null, null));
            if (m.type() == MessageType.VOTE) {
                Invariants.check(vote == 0 || vote == m.from(),
                        "voting twice in term %d: for %d and %d", term, vote, m.from());
                electionElapsed = 0;
                vote = m.from();
            }
        } else {
            send(new Message(respType, id, m.from(), term, 0, 0, null, 0, true, 0, null, null));
        }
    }

    private void stepFollower(Message m) {
        switch (m.type()) {
            case APPEND -> {
                electionElapsed = 0;
                lead = m.from();
                handleAppendEntries(m);
            }
            case HEARTBEAT -> {
                electionElapsed = 0;
                lead = m.from();
                handleHeartbeat(m);
            }
            case SNAPSHOT -> {
                electionElapsed = 0;
                lead = m.from();
                handleSnapshot(m);
            }
            case TRANSFER_LEADER -> {
                if (lead != 0 && m.from() == id) {
                    send(new Message(MessageType.TRANSFER_LEADER, id, lead, 0, 0, m.index(), null, 0, false, 0, null, null));
                }
            }
            case TIMEOUT_NOW -> {
                // Leadership transfer: campaign at once, without pre-vote (the group is healthy,
                // we are not a partitioned node) and past stickiness (TRANSFER_CONTEXT). If a
                // committed conf change is not applied yet (typical when a removed leader hands
                // over, or a learner's promotion that it learns is committed from this very
                // message), campaign as soon as it is.
                log.commitTo(Math.min(m.commit(), log.lastIndex()));
                if (hasUnappliedConfChanges()) {
                    transferCampaignTerm = term; // checked again, promotable() included, once applied
                    return;
                }
                if (promotable()) campaign(CampaignType.TRANSFER);
            }
            case READ_INDEX -> {
                if (lead != 0 && m.from() == id) {
                    send(new Message(MessageType.READ_INDEX, id, lead, 0, 0, 0, null, 0, false, 0, null, m.context()));
                }
            }
            case READ_INDEX_RESPONSE -> readStates.add(new ReadState(m.index(), m.context()));
            default -> { }
        }
    }

    private void stepCandidate(Message m) {
        MessageType myVoteResp = role == Role.PRE_CANDIDATE ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
        switch (m.type()) {
            case APPEND -> {
                becomeFollower(m.term(), m.from());
                handleAppendEntries(m);
            }
            case HEARTBEAT -> {
                becomeFollower(m.term(), m.from());
                handleHeartbeat(m);
            }
            case SNAPSHOT -> {
                becomeFollower(m.term(), m.from());
                handleSnapshot(m);
            }
            default -> {
                if (m.type() != myVoteResp) return;
                switch (poll(m.from(), !m.reject())) {
                    case WON -> {
                        if (role == Role.PRE_CANDIDATE) campaign(CampaignType.ELECTION);
                        else {
                            becomeLeader();
                            bcastAppend();
                        }
                    }
                    case LOST -> becomeFollower(term, 0);
                    case PENDING -> { }
                }
            }
        }
    }

    private void stepLeader(Message m) {
        switch (m.type()) {
            case READ_INDEX -> {
                handleReadIndex(m);
                return;
            }
            case TRANSFER_LEADER -> {
                transferLeadership(m.index());
                return;
            }
            default -> { }
        }
        Progress pr = trk.get(m.from());
        if (pr == null) return;
        switch (m.type()) {
            case APPEND_RESPONSE -> handleAppendResponse(m, pr);
            case HEARTBEAT_RESPONSE -> handleHeartbeatResponse(m, pr);
            default -> { }
        }
    }

    // ---------------------------------------------------------------- follower side

    private void handleAppendEntries(Message m) {
        if (m.index() < log.committed) {
            send(withIndex(message(MessageType.APPEND_RESPONSE, m.from()), log.committed));
            return;
        }
        long lastNew = log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
        if (lastNew >= 0) {
            send(withIndex(message(MessageType.APPEND_RESPONSE, m.from()), lastNew));
            return;
        }
        // Reject with a hint: the last index at or below the probe whose term is at most the
        // leader's term there, so the leader can skip whole divergent terms at once.
        long hintIndex = Math.min(m.index(), log.lastIndex());
        long[] hint = log.findConflictByTerm(hintIndex, m.logTerm());
        send(new Message(MessageType.APPEND_RESPONSE, id, m.from(), term, hint[1], m.index(), null, 0, true,
                hint[0], null, null));
    }

    private void handleHeartbeat(Message m) {
        log.commitTo(Math.min(m.commit(), log.lastIndex()));
        send(new Message(MessageType.HEARTBEAT_RESPONSE, id, m.from(), term, 0, 0, null, 0, false, 0, null, m.context()));
    }

    private void handleSnapshot(Message m) {
        Snapshot s = m.snapshot();
        if (s != null && restore(s)) {
            send(withIndex(message(MessageType.APPEND_RESPONSE, m.from()), log.lastIndex()));
        } else {
            send(withIndex(message(MessageType.APPEND_RESPONSE, m.from()), log.committed));
        }
    }

    /** Replaces the log with a snapshot newer than what we committed. Returns false if ignored. */
    boolean restore(Snapshot s) {
        SnapshotMetadata meta = s.metadata();
        if (meta.index() <= log.committed) return false;
        if (role != Role.FOLLOWER) {
            // Defence in depth: never let a leader or candidate apply a snapshot in place.
            becomeFollower(term + 1, 0);
            return false;
        }
        // The snapshot's configuration may not include us yet: a stored snapshot can predate the
        // conf change adding us, which then arrives in the log after it. That is fine: outside
        // the configuration we do not campaign, and applying that entry adds us.
        ConfState cs = meta.confState();
        if (log.matchTerm(meta.index(), meta.term())) {
            // We already have the entries; just fast-forward the commit index.
            log.commitTo(meta.index());
            return false;
        }
        log.restore(s);
        trk.voters.clear();
        trk.learners.clear();
        trk.progress.clear();
        applyConfStateToTracker(cs);
        return true;
    }

    private void applyConfStateToTracker(ConfState cs) {
        long next = log.lastIndex() + 1;
        for (long v : cs.voters()) {
            trk.voters.add(v);
            trk.progress.put(v, new Progress(next, maxInflight, maxInflightBytes, false));
        }
        for (long l : cs.learners()) {
            trk.learners.add(l);
            trk.progress.put(l, new Progress(next, maxInflight, maxInflightBytes, true));
        }
        Progress self = trk.get(id);
        if (self != null) self.match = next - 1;
        isLearner = trk.learners.contains(id);
    }

    // ---------------------------------------------------------------- leader side

    private void handleAppendResponse(Message m, Progress pr) {
        pr.recentActive = true;
        if (m.reject()) {
            long nextProbe = m.rejectHint();
            if (m.logTerm() > 0) {
                // Skip the follower's entries of terms above what we have at the hint.
                nextProbe = log.findConflictByTerm(m.rejectHint(), m.logTerm())[0];
            }
            if (pr.maybeDecrTo(m.index(), nextProbe)) {
                if (pr.state == Progress.State.REPLICATE) pr.becomeProbe();
                sendAppend(m.from());
            }
            return;
        }
        boolean progressed = pr.maybeUpdate(m.index());
        if (!progressed && !(pr.match == m.index() && pr.state == Progress.State.PROBE)) return;
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match + 1 >= log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeLE(m.index());
        }
        if (maybeCommit()) {
            bcastAppend();
        }
        // Flow control may now allow several messages at once (window freed, or probe ended).
        if (m.from() != id) {
            for (int i = 0; i < maxInflight && maybeSendAppend(m.from(), false); i++) { }
        }
        if (m.from() == leadTransferee && pr.match == log.lastIndex()) {
            sendTimeoutNow(m.from());
            if (!trk.voters.contains(id)) becomeFollower(term, 0); // removed leader handed over
        }
    }

    private void handleHeartbeatResponse(Message m, Progress pr) {
        pr.recentActive = true;
        pr.paused = false;
        if (pr.state == Progress.State.SNAPSHOT && ++pr.snapshotWaitHeartbeats > snapshotWaitHeartbeatsMax()) {
            // The follower answers heartbeats but never acknowledged the snapshot: it was lost
            // and the caller did not reportSnapshot. Probe again; that resends it if needed.
            pr.becomeProbe();
        }
        if (pr.state == Progress.State.PROBE) {
            // Only the meeting point is in question: a probe resent on every heartbeat answer
            // carries no entries. With entries (up to maxSizePerMsgBytes each time), a follower
            // slow to answer probes (restarting, catching up many groups) was sent the same
            // megabyte every tick, which slowed it further and ran leaders out of memory.
            maybeSendAppend(m.from(), true, false);
        } else if (pr.match < log.lastIndex()) {
            sendAppend(m.from());
        }
        if (m.context().length == 0) return;
        Map<Long, Boolean> acks = readOnly.recvAck(m.from(), m.context());
        if (acks == null) return;
        acks.put(id, true);
        if (trk.voteResult(acks) != ProgressTracker.VoteResult.WON) return;
        for (ReadOnly.Status s : readOnly.advance(m.context())) {
            answerReadIndex(s.request(), s.index());
        }
    }

    private void handleReadIndex(Message m) {
        if (trk.isSingleton() && trk.voters.contains(id)) {
            answerReadIndex(m, log.committed);
            return;
        }
        // Until an entry of our term commits we may not know the latest commit index (§6.4).
        if (!committedEntryInCurrentTerm()) return;
        if (!readOnly.addRequest(log.committed, m)) return;
        readOnly.recvAck(id, m.context());
        bcastHeartbeatWithContext(m.context());
    }

    private void answerReadIndex(Message request, long index) {
        if (request.from() == 0 || request.from() == id) {
            readStates.add(new ReadState(index, request.context()));
        } else {
            send(new Message(MessageType.READ_INDEX_RESPONSE, id, request.from(), term, 0, index, null, 0, false, 0,
                    null, request.context()));
        }
    }

    boolean committedEntryInCurrentTerm() {
        return log.termOrZero(log.committed) == term;
    }

    private boolean maybeCommit() {
        long index = trk.committed();
        if (index <= log.committed) return false;
        // Only entries of the current term commit by counting replicas (§5.4.2, Figure 8).
        if (log.termOrZero(index) != term) return false;
        log.commitTo(index);
        return true;
    }

    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        return maybeSendAppend(to, sendIfEmpty, true);
    }

    private boolean maybeSendAppend(long to, boolean sendIfEmpty, boolean withEntries) {
        Progress pr = trk.get(to);
        if (pr == null || pr.isPaused()) return false;
        long prevIndex = pr.next - 1;
        long prevTerm;
        List<Entry> ents = List.of();
        try {
            prevTerm = log.term(prevIndex);
            // In a full window send only empty APPENDs: if every inflight message was lost,
            // an empty one still gets acknowledged or rejected and unblocks replication.
            if (withEntries && (pr.state != Progress.State.REPLICATE || !pr.inflights.full())) {
                ents = log.entries(pr.next, maxMsgSizeBytes);
            }
        } catch (RaftStorage.CompactedException e) {
            return maybeSendSnapshot(to, pr);
        }
        if (ents.isEmpty() && !sendIfEmpty) return false;
        send(new Message(MessageType.APPEND, id, to, term, prevTerm, prevIndex, ents, log.committed, false, 0, null, null));
        long bytes = 0;
        for (Entry e : ents) bytes += e.sizeBytes();
        pr.sentEntries(ents.size(), bytes);
        return true;
    }

    private boolean maybeSendSnapshot(long to, Progress pr) {
        if (!pr.recentActive) return false;
        // The first index before the snapshot: a caller's write finishing in between may compact
        // further (and move the snapshot with it), never the other way round.
        long first = log.firstIndex();
        Snapshot snap = log.snapshot();
        Invariants.check(!snap.isEmpty() && snap.metadata().index() >= first - 1,
                "peer %d needs entries before first index %d but storage.snapshot() is at %d; "
                        + "create a snapshot before compacting the log", to, first, snap.metadata().index());
        pr.becomeSnapshot(snap.metadata().index());
        send(new Message(MessageType.SNAPSHOT, id, to, term, 0, 0, null, 0, false, 0, snap, null));
        return true;
    }

    void bcastAppend() {
        for (long peer : trk.progress.keySet()) {
            if (peer != id) sendAppend(peer);
        }
    }

    private void bcastHeartbeat() {
        bcastHeartbeatWithContext(readOnly.lastPendingContext());
    }

    private void bcastHeartbeatWithContext(byte[] ctx) {
        for (Map.Entry<Long, Progress> e : trk.progress.entrySet()) {
            if (e.getKey() == id) continue;
            // Never tell a follower a commit index beyond what it is known to hold.
            long commit = Math.min(e.getValue().match, log.committed);
            send(new Message(MessageType.HEARTBEAT, id, e.getKey(), term, 0, 0, null, commit, false, 0, null, ctx));
        }
    }

    private void sendTimeoutNow(long to) {
        // Carry the commit index (bounded by what the transferee holds, as heartbeats do): the
        // transferee may hold a just-committed conf change making it a voter without knowing it
        // is committed, and would otherwise ignore the request as a learner.
        long commit = Math.min(trk.get(to).match, log.committed);
        send(new Message(MessageType.TIMEOUT_NOW, id, to, term, 0, 0, null, commit, false, 0, null, null));
    }

    /** Heartbeat rounds (four election timeouts) to wait for a snapshot acknowledgement. */
    private int snapshotWaitHeartbeatsMax() {
        return 4 * electionTicks / heartbeatTicks;
    }

    private void abortLeaderTransfer() {
        leadTransferee = 0;
    }

    // ---------------------------------------------------------------- local requests

    long propose(byte[] data) {
        checkCanPropose();
        if (selfRemovalIndex > log.applied) {
            // Appending past our own removal could leave us, once removed, with a longer log
            // than the remaining voters, whose votes we would then refuse: the group could
            // wedge (see package-info). A leader on its way out takes no more proposals.
            throw new ProposalDroppedException(ProposalDroppedException.Reason.TRANSFERRING_LEADERSHIP, 0,
                    String.format("leader %d is being removed from the group (conf change at index %d); "
                            + "retry on another replica", id, selfRemovalIndex));
        }
        Entry e = new Entry(0, 0, EntryType.NORMAL, data);
        if (!appendEntries(List.of(e))) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.UNCOMMITTED_LIMIT, id, String.format(
                    "proposal of %d bytes dropped: leader %d has %d uncommitted bytes, limit maxUncommittedBytes=%d",
                    data.length, id, uncommittedBytes, maxUncommittedBytes));
        }
        bcastAppend();
        return log.lastIndex();
    }

    long proposeConfChange(ConfChange cc) {
        checkCanPropose();
        if (pendingConfIndex > log.applied) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.CONF_CHANGE_PENDING, id, String.format(
                    "conf change %s refused: an earlier conf change (index %d) or this leader's first entry "
                            + "is not applied yet (applied %d)", cc, pendingConfIndex, log.applied));
        }
        validateConfChange(cc);
        Entry e = new Entry(0, 0, EntryType.CONF_CHANGE, cc.encode());
        if (!appendEntries(List.of(e))) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.UNCOMMITTED_LIMIT, id, String.format(
                    "conf change dropped: leader %d has %d uncommitted bytes, limit maxUncommittedBytes=%d",
                    id, uncommittedBytes, maxUncommittedBytes));
        }
        pendingConfIndex = log.lastIndex();
        if (cc.type() == ConfChange.ConfChangeType.REMOVE_NODE && cc.nodeId() == id) selfRemovalIndex = pendingConfIndex;
        bcastAppend();
        return pendingConfIndex;
    }

    private void validateConfChange(ConfChange cc) {
        switch (cc.type()) {
            case ADD_LEARNER -> {
                if (trk.voters.contains(cc.nodeId())) {
                    throw new IllegalArgumentException("cannot demote voter " + cc.nodeId()
                            + " to learner; remove it first");
                }
            }
            case REMOVE_NODE -> {
                if (trk.voters.size() == 1 && trk.voters.contains(cc.nodeId())) {
                    throw new IllegalArgumentException("cannot remove " + cc.nodeId() + ", the last voter");
                }
            }
            case ADD_VOTER -> { }
        }
    }

    private void checkCanPropose() {
        if (role != Role.LEADER) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NOT_LEADER, lead, String.format(
                    "replica %d is not the leader (role %s, term %d, leader %s)", id, role, term,
                    lead == 0 ? "unknown" : Long.toString(lead)));
        }
        if (leadTransferee != 0 || !trk.voters.contains(id)) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.TRANSFERRING_LEADERSHIP, leadTransferee,
                    String.format("leader %d is transferring leadership to %d; retry there", id, leadTransferee));
        }
    }

    /** Assigns term and index, enforces the uncommitted limit, appends, and counts our own ack. */
    private boolean appendEntries(List<Entry> es) {
        long li = log.lastIndex();
        long bytes = 0;
        for (Entry e : es) bytes += e.data().length;
        // Always admit a proposal when nothing is uncommitted, or one oversized entry could
        // never be proposed at all.
        if (uncommittedBytes > 0 && bytes > 0 && uncommittedBytes + bytes > maxUncommittedBytes) return false;
        uncommittedBytes += bytes;
        List<Entry> stamped = new ArrayList<>(es.size());
        for (int i = 0; i < es.size(); i++) {
            Entry e = es.get(i);
            stamped.add(new Entry(term, li + 1 + i, e.type(), e.data()));
        }
        log.append(stamped);
        // No acknowledgement of our own yet: the leader counts itself toward a quorum only once
        // the caller confirms the entries persisted (advance, see persistedTo). Counting it at
        // append would let a commit index covering entries only the leader's unfinished write
        // holds reach followers, which apply it; a leader crash before that write finishes
        // then loses an applied entry (Raft thesis 10.2.1 allows committing on a majority of
        // followers alone, never on the leader's unpersisted copy).
        return true;
    }

    /**
     * The caller persisted the log up to {@code persistedIndex} (entries handed out in Readies it
     * advanced): a leader now counts its own copy toward the quorum, which may commit entries.
     */
    void persistedTo(long persistedIndex) {
        if (role != Role.LEADER) return;
        Progress self = trk.get(id);
        if (self == null || !self.maybeUpdate(persistedIndex)) return;
        if (maybeCommit()) bcastAppend();
    }

    void reduceUncommittedBytes(List<Entry> applied) {
        if (role != Role.LEADER) return;
        long bytes = 0;
        for (Entry e : applied) bytes += e.data().length;
        uncommittedBytes = Math.max(0, uncommittedBytes - bytes);
    }

    void transferLeadership(long transferee) {
        if (role != Role.LEADER) {
            if (lead != 0) {
                send(new Message(MessageType.TRANSFER_LEADER, id, lead, 0, 0, transferee, null, 0, false, 0, null, null));
            }
            return;
        }
        Progress pr = trk.get(transferee);
        if (pr == null || pr.isLearner) return;
        if (leadTransferee != 0) {
            if (leadTransferee == transferee) return;
            abortLeaderTransfer();
        }
        if (transferee == id) return;
        // The transfer must finish within one election timeout; tickHeartbeat aborts it then.
        electionElapsed = 0;
        leadTransferee = transferee;
        if (pr.match == log.lastIndex()) sendTimeoutNow(transferee);
        else sendAppend(transferee);
    }

    void readIndex(byte[] context) {
        step(new Message(MessageType.READ_INDEX, id, id, 0, 0, 0, null, 0, false, 0, null, context));
    }

    void reportUnreachable(long peer) {
        if (role != Role.LEADER) return;
        Progress pr = trk.get(peer);
        if (pr != null && pr.state == Progress.State.REPLICATE) pr.becomeProbe();
    }

    void reportSnapshot(long peer, boolean applied) {
        if (role != Role.LEADER) return;
        Progress pr = trk.get(peer);
        if (pr == null || pr.state != Progress.State.SNAPSHOT) return;
        if (!applied) pr.pendingSnapshot = 0;
        // Probe from after the snapshot (or from match if it failed); wait for the follower's
        // answer or the next heartbeat before sending more.
        pr.becomeProbe();
        pr.paused = true;
    }

    // ---------------------------------------------------------------- membership

    ConfState applyConfChange(ConfChange cc) {
        long node = cc.nodeId();
        long next = log.lastIndex() + 1;
        switch (cc.type()) {
            case ADD_VOTER -> {
                trk.learners.remove(node);
                trk.voters.add(node);
                Progress pr = trk.progress.get(node);
                if (pr == null) trk.progress.put(node, newPeerProgress(next, false));
                else pr.isLearner = false;
            }
            case ADD_LEARNER -> {
                // Demoting a voter is refused at proposal; a replayed or raced one is a no-op.
                if (!trk.voters.contains(node)) {
                    trk.learners.add(node);
                    Progress pr = trk.progress.get(node);
                    if (pr == null) trk.progress.put(node, newPeerProgress(next, true));
                    else pr.isLearner = true;
                }
            }
            case REMOVE_NODE -> {
                // Removing the last voter would leave a group that can never make progress.
                if (!(trk.voters.size() == 1 && trk.voters.contains(node))) {
                    trk.voters.remove(node);
                    trk.learners.remove(node);
                    trk.progress.remove(node);
                }
            }
        }
        isLearner = trk.learners.contains(id);
        if (role == Role.LEADER) afterLeaderConfChange();
        return trk.confState();
    }

    /**
     * We applied our own removal while leading. Stepping down at once can wedge the group: a
     * remaining voter that has not yet learned the removal is committed still counts us, and we
     * refuse to vote for it if our log is longer (and, as a non-member, never campaign). So we
     * keep leading, refusing proposals, until the most up-to-date voter holds our whole log, then
     * send it TIMEOUT_NOW and step down. Retried every election timeout until it succeeds.
     */
    private void startRemovedLeaderHandover() {
        long best = 0;
        long bestMatch = -1;
        for (long v : trk.voters) {
            Progress pr = trk.get(v);
            if (pr.match > bestMatch) {
                best = v;
                bestMatch = pr.match;
            }
        }
        if (best == 0) return;
        leadTransferee = best;
        if (bestMatch == log.lastIndex()) {
            sendTimeoutNow(best);
            becomeFollower(term, 0);
        } else {
            sendAppend(best);
        }
    }

    private Progress newPeerProgress(long next, boolean learner) {
        Progress pr = new Progress(next, maxInflight, maxInflightBytes, learner);
        // Counted as active so that check-quorum does not depose us before it could answer.
        pr.recentActive = true;
        return pr;
    }

    private void afterLeaderConfChange() {
        if (!trk.voters.contains(id)) {
            startRemovedLeaderHandover();
            return;
        }
        if (maybeCommit()) {
            bcastAppend();
        } else {
            for (long peer : trk.progress.keySet()) {
                if (peer != id) maybeSendAppend(peer, false);
            }
        }
        if (leadTransferee != 0 && !trk.voters.contains(leadTransferee)) abortLeaderTransfer();
    }

    // ---------------------------------------------------------------- helpers

    private void send(Message m) {
        Invariants.check(m.from() == id, "message from %d sent by %d", m.from(), id);
        msgs.add(m);
    }

    private Message message(MessageType type, long to) {
        return new Message(type, id, to, term, 0, 0, null, 0, false, 0, null, null);
    }

    private static Message withIndex(Message m, long index) {
        return new Message(m.type(), m.from(), m.to(), m.term(), m.logTerm(), index, m.entries(), m.commit(),
                m.reject(), m.rejectHint(), m.snapshot(), m.context());
    }

    int electionElapsed() {
        return electionElapsed;
    }

    int randomizedElectionTimeout() {
        return randomizedElectionTimeout;
    }

    int pendingReadCount() {
        return readOnly.size();
    }
}
