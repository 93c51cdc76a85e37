package io.conclave.node.sql;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.driver.SqlLiterals;
import io.conclave.driver.proto.ClientMessage;
import io.conclave.driver.proto.Error;
import io.conclave.driver.proto.Execute;
import io.conclave.driver.proto.ServerMessage;
import io.conclave.driver.proto.SessionStarted;
import io.conclave.driver.proto.SqlValue;
import io.conclave.sql.Result;
import io.conclave.sql.Session;
import io.conclave.sql.SqlException;
import io.conclave.sql.Value;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One SQL connection: a {@link Session} and the statements of one client, in order. The event
 * loop only decodes and queues; each statement runs on a worker, which hands its reply back to
 * the loop in one task that writes it and starts the next statement. A client that sends ahead
 * (a message arrives while a statement runs) pauses reading until it has been answered, so it is
 * held back by TCP rather than by memory here; a client speaking in turn never pauses reading,
 * which spares two epoll registration changes per statement. Fields are touched only on the
 * channel's event loop, except {@code session}, which is handed to one worker at a time
 * ({@code running} says which).
 */
final class SqlSessionHandler extends ChannelInboundHandlerAdapter {
    private static final long ENGINE_POLL_MILLIS = 10;
    private static final Logger LOG = Logger.getLogger(SqlSessionHandler.class.getName());
    /** Messages decoded from one read while a statement runs; a client speaking in turn sends one. */
    private static final int MAX_PENDING_MESSAGES = 16;
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_]{1,63}");

    private final SqlServer server;
    private final ArrayDeque<ClientMessage> pending = new ArrayDeque<>();
    private Session session;
    private boolean counted;
    private boolean running;
    /** Reading is off because the client sent ahead of an answer; back on once it has caught up. */
    private boolean readingPaused;
    private boolean closed;
    /** The node drains: end the session once it is idle outside a transaction. Event loop only. */
    private boolean ending;
    private ChannelHandlerContext ctx;

    SqlSessionHandler(SqlServer server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!server.tryOpenConnection(this)) {
            closed = true;
            replyAndClose(ctx.channel(), "53300", "node " + server.nodeId() + " has too many SQL connections (limit "
                    + server.settings().maxConnections() + "); try another node or later");
            return;
        }
        counted = true;
    }

    /** Ends the session with 57P01 once no statement runs and no transaction is open. Any thread. */
    void endWhenIdle() {
        try {
            ctx.executor().execute(() -> {
                ending = true;
                endIfIdle();
            });
        } catch (RejectedExecutionException loopGone) {
            // The transport is closing: the connection goes with it.
        }
    }

    /**
     * Event loop only. Nothing the client sends after the 57P01 runs ({@code closed}), so the
     * client may take that answer to its next statement as "did not run" and run it elsewhere.
     */
    private void endIfIdle() {
        if (!ending || closed || running || !pending.isEmpty()) return;
        if (session != null && session.inTransaction()) return;
        closed = true;
        replyAndClose(ctx.channel(), "57P01", "node " + server.nodeId()
                + " is shutting down and ended this session; connect to another node");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        ClientMessage message;
        try {
            message = ClientMessage.parseFrom(ByteBufUtil.getBytes(frame));
        } catch (InvalidProtocolBufferException e) {
            replyAndClose(ctx.channel(), "08P01", "malformed protocol message: " + e.getMessage());
            return;
        } finally {
            frame.release();
        }
        if (closed) return;
        if (pending.size() >= MAX_PENDING_MESSAGES) {
            replyAndClose(ctx.channel(), "08P01", "more than " + MAX_PENDING_MESSAGES
                    + " messages sent without waiting for answers");
            return;
        }
        pending.add(message);
        if (running && !readingPaused) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        runNext(ctx);
    }

    /** Starts the next queued message if none runs. Event loop only. */
    private void runNext(ChannelHandlerContext ctx) {
        if (running || closed || pending.isEmpty()) return;
        ClientMessage message = pending.poll();
        running = true;
        try {
            server.workers().execute(() -> {
                ServerMessage reply = handle(message, ctx.channel());
                ByteBuf encoded = frame(ctx.channel(), reply);
                // One task on the loop writes the reply and starts the next statement: a write
                // from this thread would be a task of its own, and a wake-up of the loop each.
                try {
                    ctx.executor().execute(() -> {
                        ctx.channel().writeAndFlush(encoded);
                        finished(ctx, reply);
                    });
                } catch (RejectedExecutionException loopGone) {
                    encoded.release();
                    // The transport is shutting down: no one will read again. This worker still
                    // owns the session, so it ends it here.
                    Session s = session;
                    session = null;
                    if (s != null) s.close();
                }
            });
        } catch (RejectedExecutionException e) {
            running = false;
            ctx.channel().writeAndFlush(frame(ctx.channel(), error("53300", "node " + server.nodeId()
                    + " has too many statements waiting (limit " + server.settings().maxQueuedStatements()
                    + "); try again", session != null && session.inTransaction())));
        }
    }

    private void finished(ChannelHandlerContext ctx, ServerMessage reply) {
        running = false;
        if (closed) {
            closeSession();
            return;
        }
        if (session == null) {
            ctx.close(); // the session could not start; the error was sent
            return;
        }
        runNext(ctx);
        if (readingPaused && pending.isEmpty()) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
        endIfIdle();
    }

    /** Runs on a worker. Never throws: every outcome is a reply. */
    private ServerMessage handle(ClientMessage message, Channel channel) {
        try {
            return switch (message.getBodyCase()) {
                case START_SESSION -> startSession(message.getStartSession(), channel);
                case EXECUTE -> executeTracked(message.getExecute(), channel);
                default -> error("08P01", "empty or unknown protocol message", false);
            };
        } catch (RuntimeException bug) {
            LOG.log(Level.WARNING, "SQL connection from " + channel.remoteAddress() + " hit an internal error", bug);
            return error("XX000", "internal error: " + bug, session != null && session.inTransaction());
        }
    }

    /**
     * The engine, waiting for it a little: a node publishes it once it has registered (its
     * liveness record written, then the max offset waited out, see {@code Node}), a fraction of
     * a second after it starts listening. Null if it is still missing after the settings' engine
     * wait: range 1 is then unavailable, and the client may try another node.
     */
    private io.conclave.sql.SqlEngine awaitEngine() {
        io.conclave.sql.SqlEngine engine = server.engine();
        long polls = server.settings().engineWait().toMillis() / ENGINE_POLL_MILLIS;
        for (long i = 0; engine == null && i < polls; i++) {
            try {
                Thread.sleep(ENGINE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            engine = server.engine();
        }
        return engine;
    }

    private ServerMessage startSession(io.conclave.driver.proto.StartSession start, Channel channel) {
        if (session != null) return error("08P01", "the session has already started", session.inTransaction());
        if (server.draining()) {
            return error("57P03", "node " + server.nodeId() + " is shutting down; connect to another node", false);
        }
        io.conclave.sql.SqlEngine engine = awaitEngine();
        if (engine == null) {
            return error("57P03", "node " + server.nodeId() + " is starting; connect again in a moment", false);
        }
        Session s;
        if (server.secure()) {
            Authentication login = Authentication.of(start, channel);
            String refusal = login.refusal(engine);
            if (refusal != null) {
                LOG.info(() -> "SQL login refused from " + channel.remoteAddress() + ": " + refusal);
                return error(login.sqlState(), refusal, false);
            }
            s = engine.openSession(login.user());
        } else {
            s = engine.openSession(); // insecure: every client is root, whatever user it names
        }
        try {
            for (Map.Entry<String, String> option : start.getOptionsMap().entrySet()) {
                if (!SETTING_NAME.matcher(option.getKey()).matches()) {
                    throw new SqlException("42704", "unrecognized session option \"" + option.getKey() + "\"");
                }
                s.execute("SET " + option.getKey() + " = " + SqlLiterals.quote(option.getValue()));
            }
            s.markStartSettings();
        } catch (SqlException | IllegalArgumentException e) {
            s.close();
            String state = e instanceof SqlException sql ? sql.sqlState() : "22023";
            return error(state, "cannot start the session: " + e.getMessage(), false);
        }
        session = s;
        return ServerMessage.newBuilder().setSessionStarted(SessionStarted.newBuilder()
                .setNodeId(server.nodeId()).setServerVersion(SqlServer.SERVER_VERSION)).build();
    }

    /** Runs a statement as one of the node's running statements (/status/statements, /metrics). */
    private ServerMessage executeTracked(Execute execute, Channel channel) {
        ActiveStatements statements = server.statements();
        long id = statements.start(execute.getSql(), String.valueOf(channel.remoteAddress()),
                System.currentTimeMillis() * 1_000_000L, System.nanoTime());
        ServerMessage reply = null;
        try {
            reply = execute(execute);
            return reply;
        } finally {
            statements.finish(id, System.nanoTime(), reply != null && reply.hasResult() ? null : "error");
        }
    }

    private ServerMessage execute(Execute execute) {
        if (session == null) return error("08P01", "send StartSession before any statement", false);
        long start = System.nanoTime(); // the edge of the node: timing a statement for the client
        CommitWaitMeter meter = server.commitWaits();
        if (meter != null) meter.reset();
        try {
            Result result = run(execute);
            io.conclave.driver.proto.Result.Builder encoded = ResultEncoding.encode(result)
                    .setElapsedNanos(System.nanoTime() - start).setInTransaction(session.inTransaction())
                    .setCommitWaitNanos(meter == null ? 0 : meter.takeNanos());
            ServerMessage reply = ServerMessage.newBuilder().setResult(encoded).build();
            int size = reply.getSerializedSize();
            if (size > server.settings().maxFrameBytes()) {
                return error("54000", "the result is " + size + " bytes, above the protocol's limit of "
                        + server.settings().maxFrameBytes() + " bytes; fetch it in parts (LIMIT, key ranges)",
                        session.inTransaction());
            }
            return reply;
        } catch (SqlException e) {
            return error(e.sqlState(), e.getMessage(), session.inTransaction());
        }
    }

    /**
     * Runs a statement: with its parameters bound where the statement takes them (the text, the
     * same at every execution of a prepared statement, is then parsed once per session), else
     * with them written into the text as the literals a client would have substituted.
     */
    private Result run(Execute execute) {
        String sql = execute.getSql();
        if (execute.getParametersCount() == 0) {
            return session.execute(sql);
        }
        if (session.bindsParameters(sql)) {
            List<Value> values = new ArrayList<>(execute.getParametersCount());
            for (SqlValue v : execute.getParametersList()) {
                values.add(ResultEncoding.parameter(v));
            }
            return session.execute(sql, values);
        }
        List<String> literals = new ArrayList<>(execute.getParametersCount());
        for (SqlValue v : execute.getParametersList()) {
            literals.add(SqlLiterals.inline(v));
        }
        try {
            return session.execute(SqlLiterals.substitute(sql, literals));
        } catch (java.sql.SQLException e) {
            throw new SqlException(e.getSQLState(), e.getMessage());
        }
    }

    static ServerMessage error(String sqlState, String message, boolean inTransaction) {
        return ServerMessage.newBuilder().setError(Error.newBuilder().setSqlstate(sqlState)
                .setMessage(message == null ? "" : message).setInTransaction(inTransaction)).build();
    }

    static ByteBuf frame(Channel channel, ServerMessage message) {
        byte[] body = message.toByteArray();
        ByteBuf buf = channel.alloc().buffer(4 + body.length);
        buf.writeInt(body.length);
        buf.writeBytes(body);
        return buf;
    }

    /** Answers with one error and closes: for protocol errors and refusals. */
    static void replyAndClose(Channel channel, String sqlState, String message) {
        channel.config().setAutoRead(false);
        channel.writeAndFlush(frame(channel, error(sqlState, message, false))).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
            replyAndClose(ctx.channel(), "54000", "a message exceeds the protocol's limit of "
                    + server.settings().maxFrameBytes() + " bytes (a statement may be at most 1 MiB)");
            return;
        }
        LOG.fine(() -> "SQL connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Reading pauses while a statement runs, so only a connection waiting for the client is idle.
        if (event instanceof io.netty.handler.timeout.IdleStateEvent && !running && !closed) {
            closed = true;
            replyAndClose(ctx.channel(), "57P05", "closing the connection: no statement for "
                    + server.settings().idleTimeout() + " (the session's open transaction, if any, is rolled back)");
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        pending.clear();
        if (!running) closeSession();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            server.connectionClosed(this);
        }
    }

    /** Ends the session off the event loop: closing may roll back an open transaction over the network. */
    private void closeSession() {
        Session s = session;
        session = null;
        if (s == null) return;
        try {
            server.workers().execute(s::close);
        } catch (RejectedExecutionException e) {
            // The pool is full or stopped: the abandoned transaction's intents are recovered by
            // whoever meets them, as for a crashed client.
        }
    }
}
