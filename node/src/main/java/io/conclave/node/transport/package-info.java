/**
 * The Netty transport: frames between nodes, and between clients and nodes, over TCP.
 *
 * <h2>Framing</h2>
 * Every message on every connection is a protobuf {@code Frame} (see {@code rpc.proto}) preceded
 * by its length as a 4-byte big-endian int. The length counts only the protobuf bytes and may
 * not exceed {@link io.conclave.node.transport.TransportConfig#maxFrameBytes}; Netty's decoder
 * limit is therefore {@code maxFrameBytes + 4}, because it counts the length field too. The
 * decoder fails fast: an oversized length closes the connection before any of the body is
 * buffered. Every frame carries {@code from_node} (0 for clients) and {@code sent_at}, the
 * sender's hybrid-logical-clock reading, which the receiver's
 * {@link io.conclave.node.transport.FrameClock} absorbs (or refuses, closing the connection).
 *
 * <h2>One connection per pair</h2>
 * Between two nodes there is exactly one TCP connection, used in both directions. The node with
 * the lower id dials the higher one as soon as it learns its address, and redials after every
 * failure or close, pausing {@code reconnectBackoffMin} doubling up to {@code
 * reconnectBackoffMax}. The dialer's first frame is a Hello (cluster id, node id, listen
 * address, maximum clock offset); the acceptor checks it, answers with its own Hello (so the
 * dialer learns it reached the node it meant and the same cluster) and only then do frames flow.
 * A Hello naming another cluster or another maximum offset is answered with an {@code
 * ErrorResponse} CLUSTER_MISMATCH naming both values, and the connection is closed: two nodes
 * that disagree on the maximum offset would disagree on uncertainty intervals and commit-wait,
 * which breaks linearizability silently. If a peer redials while an old connection still looks
 * open (the peer restarted, the old one is half-open), the newest connection wins and the old is
 * closed. An accepted connection whose first frame is not a Hello is a client connection: it may
 * only send requests ({@code kv_request}, {@code admin_request} with a request id) and receive
 * responses; anything else closes it.
 *
 * <p>Requests and responses share one id space per direction: {@code call} assigns an id, the
 * handler answers with a frame that copies it, and the body (a response body, or an error) tells
 * a response to our call from a request of the peer that happens to carry the same number.
 *
 * <h2>Writes</h2>
 * Senders never block and never flush per frame. A sender on another thread appends to the
 * connection's lock-free hand-off queue; one drain task on the connection's event loop writes
 * everything queued and flushes once (see {@code ChannelConnection}). A handler answering on the
 * I/O thread writes directly, with one flush per loop turn. Frames for a peer without a
 * connection wait in a per-peer queue that drains, in order and right after the Hello exchange,
 * into the new connection. Frames from one thread to one peer stay in order.
 *
 * <h2>Limits, and what happens past them</h2>
 * <ul>
 *   <li>{@code maxFrameBytes}: a larger outgoing frame is refused at the sender (counted as
 *       {@code TOO_LARGE}); a larger incoming length closes the connection
 *       ({@code FRAME_TOO_LONG}).</li>
 *   <li>{@code maxQueuedFramesPerPeer}: the queue of a peer without a connection, and the frames
 *       handed to a connection's event loop but not yet written. A full queue drops its oldest
 *       frame (Raft retransmits; a dropped request fails its call with OVERLOADED); a full
 *       hand-off refuses the new frame. Queued bytes and a connection's unwritten bytes are also
 *       bounded, by twice the frame limit, so one maximal frame always fits.</li>
 *   <li>{@code connectTimeout}: for the TCP connect and again for the peer's Hello reply.</li>
 *   <li>{@code idleTimeout}: only client and not-yet-identified connections; node-to-node
 *       connections carry Raft heartbeats and closing them would only cost a redial.</li>
 *   <li>{@code handshakeTimeout}: a TLS handshake not finished by then closes the connection
 *       ({@code TLS_FAILED}), so half-open strangers do not wait for the idle timeout.</li>
 *   <li>{@code maxConnections}: accepted connections of every kind; one more is closed at once
 *       ({@code TOO_MANY_CONNECTIONS}).</li>
 *   <li>{@code maxInFlightPerConnection}: requests a client connection has sent and not yet had
 *       answered; one more closes it ({@code TOO_MANY_IN_FLIGHT}).</li>
 * </ul>
 *
 * <h2>TLS</h2>
 * {@link io.conclave.node.transport.TransportTls} in the config: {@code NONE} is plaintext;
 * otherwise an {@code SslHandler} heads every accepted and dialed pipeline, and a
 * {@code PeerCertificateCheck} behind it lets a connection's first bytes reach the frame decoder
 * only if the peer presented a certificate of the cluster CA with an allowed name ({@code node}
 * or {@code root} for a node; {@code node} for a client checking the node it dialed). A failed
 * handshake is {@code TLS_FAILED}, a missing or wrong certificate {@code UNAUTHENTICATED}.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The {@link io.conclave.node.transport.FrameHandler} and the completions of call
 *       futures run on I/O threads; blocking in them stalls every connection on that thread,
 *       heartbeats included.</li>
 *   <li>Without TLS ({@code --insecure}) there is no authentication: anything that can reach
 *       the port and knows the cluster id can claim a node id, and the newest connection for a
 *       node id wins. With TLS only a holder of the node (or root) key can, but it can claim any
 *       node id: the certificate names the role, not the id.</li>
 *   <li>A peer that vanishes without a FIN or RST (power loss, partition) is noticed only when
 *       TCP gives up or the lower node redials; Raft's own timeouts cover correctness meanwhile.
 *       There is no transport-level heartbeat.</li>
 *   <li>Delivery is at most once and, per connection, in order; frames queued or in flight
 *       when a connection drops are lost. Raft tolerates that; callers of {@code call} see a
 *       CONNECTION_LOST or TIMEOUT and must treat the request's outcome as unknown.</li>
 *   <li>A misconfigured pair where both sides list each other with the wrong ids is refused,
 *       not silently accepted: a Hello from a higher id, or from a node other than the one
 *       dialed, is a PROTOCOL_VIOLATION.</li>
 *   <li>Every problem of one connection (bad length, bad bytes, refused clock) closes that
 *       connection only, with one log line naming the reason and the remote address; no
 *       exception reaches Netty's default handler.</li>
 * </ul>
 */
package io.conclave.node.transport;
