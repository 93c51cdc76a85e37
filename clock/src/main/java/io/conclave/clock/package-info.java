/**
 * Time in Conclave: timestamps, the hybrid logical clock, the maximum clock offset, uncertainty
 * intervals, commit-wait and the offset guard.
 *
 * <h2>The problem</h2>
 *
 * Conclave orders transactions by {@link io.conclave.clock.Timestamp}s taken from the clocks of
 * many machines. Those clocks disagree. Perfect agreement is impossible; what the design needs
 * is a <em>bound</em> on the disagreement, the maximum clock offset
 * ({@link io.conclave.clock.MaxOffsetSetting}, {@code --max-offset}, 250 ms by default), and
 * mechanisms that turn "clocks differ by at most {@code maxOffset}" into "reads are never
 * stale". Everything in this package is one of those mechanisms or a way to enforce the bound.
 *
 * <h2>The pieces and what each guarantees</h2>
 *
 * <ul>
 *   <li><b>Physical clocks</b> ({@link io.conclave.clock.PhysicalClock}) are injected.
 *       {@link io.conclave.clock.SystemClock} is the only reader of the host's time in all of
 *       Conclave; {@link io.conclave.clock.ManualClock} drives tests and simulations;
 *       {@link io.conclave.clock.OffsetClock} and {@link io.conclave.clock.DriftingClock} inject
 *       skew, drift and jumps ({@code --test-clock-offset}). A physical clock guarantees
 *       nothing: it may stall or step backwards.
 *   <li><b>The hybrid logical clock</b> ({@link io.conclave.clock.HybridLogicalClock}) guarantees
 *       that {@code now()} never repeats or goes backwards, and, because every message between
 *       nodes and between clients and nodes carries the sender's reading and the receiver calls
 *       {@code update} before acting on it, that an event causally after another has a larger
 *       timestamp. Its wall part stays within {@code maxOffset} of the largest physical clock in
 *       the cluster, because {@code update} refuses readings further ahead than that
 *       ({@link io.conclave.clock.ClockOffsetException}): one broken clock cannot drag the whole
 *       cluster into the future, where it would then be stuck.
 *   <li><b>Uncertainty intervals</b> ({@link io.conclave.clock.UncertaintyInterval}) make reads
 *       safe against clocks that are behind. A value with a timestamp in
 *       {@code (readTs, readTs + maxOffset]} may have been committed before the read began in
 *       real time, by a node whose clock ran ahead; the reader restarts above it instead of
 *       ignoring it. Observed timestamps (a node's clock reading when the transaction first read
 *       there) shrink the window per node, because anything that node writes later carries a
 *       larger timestamp.
 *   <li><b>Commit-wait</b> ({@link io.conclave.clock.CommitWaiter}) makes transactions strictly
 *       serializable: the commit at {@code ts} is acknowledged only once the local physical
 *       clock exceeds {@code ts + maxOffset}, so every clock in the cluster is past {@code ts}
 *       and any transaction that starts after the acknowledgement reads above it. It is
 *       asynchronous so the caller overlaps it with replication and intent resolution, and it
 *       reports how long it waited, for per-query statistics.
 *   <li><b>Witnessed commit-wait</b> (a {@link io.conclave.clock.ClockWitness} given to the
 *       waiter) ends the wait sooner by observing every clock past {@code ts} instead of waiting
 *       out the bound. What commit-wait must give: if a commit at {@code ts1} is acknowledged at
 *       real time {@code t_a}, every transaction that starts after {@code t_a} gets a timestamp
 *       above {@code ts1}. Timestamps come only from node hybrid clocks (a coordinator in a node
 *       reads its node's; one outside asks a node on every begin), and those never go back and
 *       absorb the reading on every node-to-node frame before handling it. The witnessing node
 *       (1) moves its own clock to {@code ts}, so every frame it sends after carries a reading
 *       {@code >= ts}; (2) reads the registry of nodes fresh; (3) sends a request to every
 *       registered node and waits for every answer: each receiver absorbed a reading
 *       {@code >= ts} before answering, so every registered clock now reads above {@code ts}.
 *       A node not yet registered is kept out by registration: before it hands out any
 *       timestamp it writes its record, then waits {@code maxOffset} on its physical clock; a
 *       round that began before the record was written has {@code ts1} below every physical
 *       clock at that moment plus the bound, which the wait passes; a round that began after
 *       sees the record. Every start registers again: while a node was down its record may
 *       have expired and rounds skipped it.
 *       <p><i>Self-fencing</i> lets rounds skip a node gone for good (records are never deleted).
 *       A record carries an expiration {@code E} (HLC wall nanos, now + ttl, written by its
 *       node). Node N is <i>fenced</i> while its physical clock reads {@code >= E_N}, the
 *       expiration of its last record write that completed: it hands out no timestamp, exactly
 *       like an unregistered node, and opens again only after a later write completes and it
 *       then waits {@code maxOffset} (the registration rule). A round takes {@code t0} from its
 *       physical clock before its registry read, and does not ask a node whose record has
 *       {@code t0 > E + maxOffset}. Why that is safe: at real time {@code t0}, N's physical clock
 *       read {@code > E} (the offset bound), and no write of N with a later {@code E} had
 *       completed (the read began after {@code t0} and would show it), so N was fenced at
 *       {@code t0}, before the read. It hands out timestamps again only after a write completing
 *       later plus a {@code maxOffset} wait, by which time its clock is above any commit
 *       timestamp fixed before the round began, as for registration. A record the round does not
 *       judge expired is asked, as always. "Hands out no timestamp while fenced" is checked on
 *       both sides of the clock reading, within one open period: a check before the reading
 *       alone would let a pause between them carry the reading past {@code E}.
 *       <p>A round that fails (a node silent, the registry unreadable) proves
 *       nothing and the timer decides: a dead node makes commits as slow as the bound until its
 *       record expires, never unsafe. The waiter completes at the earlier of the two and never
 *       otherwise.
 *   <li><b>The offset guard</b> ({@link io.conclave.clock.RemoteClockMonitor}) enforces the bound.
 *       Nodes ping each other ({@code ClockPing}/{@code ClockPong} in {@code clock.proto}),
 *       estimate each peer's offset to within half the round trip, and a node whose offset from a
 *       strict majority of the other live nodes is certainly beyond 80% of the bound stops
 *       itself with one clear message. The exchange also refuses a peer whose
 *       {@code --max-offset} differs ({@link io.conclave.clock.MaxOffsetMismatchException}).
 * </ul>
 *
 * <h2>What breaks if the offset assumption is violated</h2>
 *
 * If a node's clock is behind the others by more than {@code maxOffset} and still serving:
 * <ul>
 *   <li><b>Stale reads.</b> A leaseholder with a slow clock picks read timestamps below values
 *       that other nodes committed, and acknowledged, earlier in real time; those values lie
 *       above its uncertainty window, so it returns the older version. Linearizability is lost.
 *   <li><b>Commit-wait is too short.</b> A node with a fast clock finishes commit-wait while
 *       slow clocks still read below {@code ts}; a transaction starting there afterwards misses
 *       the commit. Strict serializability degrades to serializability.
 *   <li><b>Lease overlap.</b> Expiration-based leases are judged by each node's own clock; a
 *       skew beyond the bound lets an old leaseholder believe its lease still runs while a new
 *       one serves, so two nodes may serve reads for one range.
 * </ul>
 * Serializability itself, the absence of write skew and lost updates, does not depend on the
 * bound: the timestamp cache, intents and the HLC keep it under any skew. Only the real-time
 * guarantees do.
 *
 * <p>If a clock runs <em>ahead</em> by more than the bound, the other nodes refuse its messages
 * ({@code update} throws) and count the rejections; the guard then stops it because it is far
 * from the majority. A node whose clock steps backwards loses nothing: its hybrid logical clock
 * holds its last reading and advances the logical counter until physical time catches up.
 *
 * <h2>Hazards for callers</h2>
 *
 * <ul>
 *   <li>Call {@code update} with every received reading <em>before</em> handling the message;
 *       stamping replies from a clock that has not absorbed the request breaks causality.
 *   <li>Observed timestamps are valid only for values written under the node's own clock, i.e.
 *       by a leaseholder whose lease began before the observation; after a lease transfer use the
 *       global limit.
 *   <li>Commit-wait must use the <em>physical</em> clock, never the hybrid clock: the hybrid
 *       clock can run ahead of local time after absorbing a remote reading, and waiting on it
 *       would not bound anything.
 *   <li>The guard compares physical clocks; a node started with {@code --test-clock-offset}
 *       beyond 80% of the bound is meant to stop.
 *   <li>The hybrid clock lives in memory. A node whose physical clock stepped back while it was
 *       down restarts below timestamps it already handed out unless it persists a high-water
 *       mark and restores it with {@code forwardTo} (or waits until its clock passes it).
 *   <li>The default bound is a trade-off, not a fact about your network; see
 *       {@link io.conclave.clock.MaxOffsetSetting}.
 * </ul>
 */
package io.conclave.clock;
