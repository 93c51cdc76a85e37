/**
 * The offset guard wired into the node: peers measure each other's physical clocks, a node far
 * from the majority stops itself, and the hybrid clock's high-water mark survives restarts. And
 * the witnessed commit-wait's rounds.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.conclave.node.clocksync.ClockSync}: every {@code --clock-check-interval} (1 s by
 *       default) judges the measurements so far with the clock module's
 *       {@link io.conclave.clock.OffsetGuard}, then pings every known peer. An answer yields
 *       {@code offset = remote - (send + rtt/2)} with error bound {@code rtt/2}, all on the
 *       node's physical clock ({@code --test-clock-offset} included), never on the hybrid clock.
 *       A node whose offset from a strict majority of the live peers (all known peers but those
 *       that answered once and then fell silent for a measurement TTL) is certainly beyond 80%
 *       of {@code --max-offset} stops: the node closes its
 *       transport at once, and the process logs the verdict as one line and exits with code 3.
 *   <li>{@link io.conclave.node.clocksync.ClientConnectionPinger}: how pings travel (below).
 *   <li>{@link io.conclave.node.clocksync.HlcHighWater}: a persisted wall time above every
 *       timestamp handed out, restored with {@code forwardTo} before the node serves.
 *   <li>{@link io.conclave.node.clocksync.WitnessRounds}: the fast path of commit-wait (the
 *       argument is in {@code io.conclave.clock}'s package documentation). A round reads the
 *       liveness records fresh through the node's range client (a scan served by range 1's
 *       leaseholder; a full page of {@code maxNodes} records proves nothing), then sends a
 *       {@code NodeRequest.witness} on the <em>peer</em> connection to every registered node but
 *       itself, dead-looking ones included. Unlike a ping, this frame must carry the hybrid
 *       clock: its {@code sent_at}, at or above every covered commit timestamp, is what the
 *       receiver's transport absorbs before the node answers (on the I/O thread, also while
 *       starting). One round in flight; waits arriving meanwhile join the next; a failed round
 *       (100 ms timeout by default) fails its waits over to the timer and holds the next round
 *       back 100 ms. {@code --commit-wait-witness=false} turns it off.
 *   <li>{@link io.conclave.node.clocksync.TimestampFence}: registration and self-fencing. On
 *       every start, and whenever its physical clock reaches the expiration of its last
 *       completed liveness write, a node refuses {@code AdminRequest.now} (TIMEOUT, naming why:
 *       the range client asks another node) and its coordinator's clock (a
 *       {@link io.conclave.txn.TimestampGate}) waits up to 2 s, then fails with 57P03; it opens
 *       only after a write completes and the max offset has then passed on its physical clock.
 *       The SQL engine is held until the first opening. A round does not ask a node whose record
 *       is past its expiration plus the max offset at the round's clock reading taken before
 *       its registry read: that node has fenced itself.
 * </ul>
 *
 * <h2>Why pings do not use the node-to-node connection</h2>
 * Every node-to-node frame, the Hello included, carries the sender's hybrid-clock reading, and
 * the receiver refuses a reading more than {@code --max-offset} ahead of its physical clock by
 * closing the connection. A node whose clock runs far ahead therefore never gets a peer
 * connection at all: its Hello is refused, and so would be every ping or pong it sent. It would
 * measure nothing, count no peer as far, and never stop, which is exactly the node the guard
 * exists for. (A node far <em>behind</em> is the mirror image: it refuses its peers' frames.)
 *
 * <p>So a ping is an {@code AdminRequest.clock_ping} sent over a separate <em>client</em>
 * connection per peer whose frames carry no reading ({@code FrameClock.none()}): the receiving
 * node skips the hybrid-clock check for readings of 0, and the pinging side absorbs nothing from
 * the answer. Pings and pongs need no causal timestamp: they carry their physical readings in
 * their own fields and neither read nor write data. Refusal thus stays where it belongs, on the
 * frames that carry causal timestamps, and both ends of a bad clock keep measuring it.
 *
 * <p>Alternatives rejected: counting "peer refused my clock" as a far measurement (a refusal
 * only closes the connection, which the refused node cannot tell from a crash or a partition);
 * letting the hybrid clock accept readings on ping frames (the transport checks the clock before
 * it looks at the body, and the Hello has no body to look at).
 *
 * <h2>{@code --max-offset} agreement</h2>
 * The transport refuses a Hello with another {@code --max-offset}, naming both values. The
 * guard adds the node-level consequence: a ping carries the sender's setting, a node with
 * another setting answers with only its own, and a node refused by a strict majority of its live
 * peers stops with {@link io.conclave.clock.MaxOffsetMismatchException}'s message (both values).
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A peer that answered and then fell silent stops counting. In a 3-node cluster where
 *       one node went down and one is far off, the healthy node stops too: two clocks cannot
 *       tell which one is wrong. A peer never heard from counts as live and not far, so a
 *       cluster whose other nodes never come up never convicts a bad clock; it cannot form a
 *       quorum with it either, since peers refuse its frames once it is beyond the bound.
 *   <li>Known peers come from the address book, which keeps removed nodes; a removed node
 *       that answered once drops out after a TTL, one that never answered inflates the count.
 *   <li>A node notices its own bad clock within about two check intervals plus a ping timeout;
 *       until then it serves. The 80% margin is meant to cover that time.
 *   <li>Each node holds one client connection per peer for pings, besides the peer connection.
 *   <li>Liveness records are never deleted: a node that left for good fails every witness
 *       round, and every commit then waits the max offset.
 *   <li>A witness round only helps if it is faster than the max offset: a cluster whose
 *       round trips approach it (far apart data centres) gains nothing and pays the rounds.
 *   <li>The high-water mark bounds timestamps only while its writes keep pace (see
 *       {@link io.conclave.node.clocksync.HlcHighWater}); a restart within one margin of the
 *       last write waits up to that margin before serving, so that its first frames are not
 *       refused by the peers.
 * </ul>
 */
package io.conclave.node.clocksync;
