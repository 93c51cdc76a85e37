package io.conclave.node.sql;

import io.conclave.node.transport.TransportTls;
import io.conclave.sql.SqlEngine;
import io.netty.channel.Channel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A node's SQL service on its listen port: {@link #onAccept} puts a {@link ProtocolSniffer} in
 * front of each accepted connection; those that open with {@code CSQL} get a session of this
 * node's {@link SqlEngine} (so this node coordinates their transactions). Statements run on a
 * bounded worker pool, never on Netty's I/O threads.
 */
public final class SqlServer implements AutoCloseable {
    /** The version string a session reports to clients. */
    static final String SERVER_VERSION = "Conclave 0.1.0-SNAPSHOT";

    private final long nodeId;
    private final Supplier<SqlEngine> engine;
    private final SqlServerSettings settings;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger connections = new AtomicInteger();
    private final Supplier<CommitWaitMeter> commitWaits;
    private final ActiveStatements statements = new ActiveStatements();
    private final boolean secure;
    private volatile boolean draining;
    private final Set<SqlSessionHandler> sessions = ConcurrentHashMap.newKeySet();

    /**
     * {@code engine} may answer null while the node is still starting: sessions are then refused
     * with 57P03 and the client tries again or another node.
     */
    public SqlServer(long nodeId, Supplier<SqlEngine> engine, SqlServerSettings settings) {
        this(nodeId, engine, () -> null, settings);
    }

    /**
     * As above; {@code commitWaits} answers the meter around the engine's store (null while
     * starting, or if there is none), through which each statement's commit-wait is reported.
     */
    public SqlServer(long nodeId, Supplier<SqlEngine> engine, Supplier<CommitWaitMeter> commitWaits,
            SqlServerSettings settings) {
        this(nodeId, engine, commitWaits, settings, false);
    }

    /**
     * As above; {@code secure} says the node runs with TLS and authenticates each session (a
     * client certificate naming the user, or the user's password); otherwise every session is root.
     */
    public SqlServer(long nodeId, Supplier<SqlEngine> engine, Supplier<CommitWaitMeter> commitWaits,
            SqlServerSettings settings, boolean secure) {
        this.secure = secure;
        if (engine == null || commitWaits == null || settings == null) {
            throw new IllegalArgumentException("engine, commitWaits and settings must be set");
        }
        this.nodeId = nodeId;
        this.commitWaits = commitWaits;
        this.engine = engine;
        this.settings = settings;
        BlockingQueue<Runnable> queue = settings.maxQueuedStatements() == 0
                ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(settings.maxQueuedStatements());
        AtomicInteger threadIndex = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
                queue, r -> {
                    Thread t = new Thread(r, "conclave-sql-n" + nodeId + "-" + threadIndex.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
    }

    /** The accept hook for the node's transport: every connection first shows its first bytes here. */
    public void onAccept(Channel channel) {
        // Behind TLS when the transport is secure: the sniffer reads the decrypted bytes.
        if (channel.pipeline().get(TransportTls.HANDLER) != null) {
            channel.pipeline().addAfter(TransportTls.HANDLER, ProtocolSniffer.NAME, new ProtocolSniffer(this));
        } else {
            channel.pipeline().addFirst(ProtocolSniffer.NAME, new ProtocolSniffer(this));
        }
    }

    /** Called by the sniffer on the event loop once a connection opened with the magic. */
    void installSqlPipeline(Channel channel) {
        channel.pipeline().addLast("sql-idle", new io.netty.handler.timeout.IdleStateHandler(
                settings.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        channel.pipeline().addLast("sql-version", new VersionCheck());
        // The decoder's maximum counts the 4-byte length field too.
        channel.pipeline().addLast("sql-frames",
                new LengthFieldBasedFrameDecoder(settings.maxFrameBytes() + 4, 0, 4, 0, 4));
        channel.pipeline().addLast("sql-session", new SqlSessionHandler(this));
    }

    /**
     * The node is stopping: new sessions are refused with 57P03, which a client takes as "try
     * another node", and every open session ends with 57P01 as soon as it runs no statement and
     * holds no open transaction, so its client's next statement goes to another node. A session
     * in a transaction ends when the transaction does, or when the node closes. Answers how many
     * sessions were open.
     */
    public int drain() {
        draining = true;
        int open = 0;
        for (SqlSessionHandler h : sessions) {
            h.endWhenIdle();
            open++;
        }
        return open;
    }

    boolean draining() {
        return draining;
    }

    /**
     * Takes a connection slot for {@code h}; false when the limit is reached. The handler then
     * counts among the sessions a drain ends, until {@link #connectionClosed}.
     */
    boolean tryOpenConnection(SqlSessionHandler h) {
        while (true) {
            int n = connections.get();
            if (n >= settings.maxConnections()) return false;
            if (connections.compareAndSet(n, n + 1)) break;
        }
        sessions.add(h);
        // A drain that began meanwhile did not see this session: it must end like the others.
        if (draining) h.endWhenIdle();
        return true;
    }

    void connectionClosed(SqlSessionHandler h) {
        sessions.remove(h);
        connections.decrementAndGet();
        synchronized (sessions) {
            sessions.notifyAll();
        }
    }

    /**
     * After {@link #drain}: waits until every session has ended, those in a transaction when it
     * commits or rolls back, or until {@code timeout}. Answers how many sessions remain.
     */
    public int awaitSessionsEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sessions) {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                TimeUnit.NANOSECONDS.timedWait(sessions, left);
            }
        }
        return sessions.size();
    }

    /** SQL connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** The statements running now, and the count and latency of those that finished. */
    public ActiveStatements statements() {
        return statements;
    }

    long nodeId() {
        return nodeId;
    }

    /** This node's engine, or null while the node starts. */
    SqlEngine engine() {
        return engine.get();
    }

    /** The commit-wait meter, or null when the store is not metered. */
    CommitWaitMeter commitWaits() {
        return commitWaits.get();
    }

    boolean secure() {
        return secure;
    }

    SqlServerSettings settings() {
        return settings;
    }

    Executor workers() {
        return workers;
    }

    /** Stops the workers; statements still running are interrupted. Connections close with the transport. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
