package io.conclave.txn;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Production {@link TxnRuntime}: the system monotonic clock, one scheduler thread for heartbeats,
 * a small pool for asynchronous resolution and parallel prepares.
 */
final class SystemRuntime implements TxnRuntime {
    /** Background resolutions queued at most; beyond it they are dropped (readers resolve what is left). */
    static final int MAX_QUEUED_ASYNC = 10_000;
    static final int WORKER_THREADS = 4;
    /**
     * Threads for {@link #all}'s requests. Each only waits for one answer, so they cost no CPU,
     * but every concurrent statement of a node (16 SQL workers by default) may have one out at
     * once (a point read's catalog version beside its row): with fewer, reads queue behind reads.
     */
    static final int PARALLEL_THREADS = 32;
    /** Heartbeats in flight at once; each waits at most the range client's deadline. */
    static final int HEARTBEAT_THREADS = 16;

    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final ScheduledExecutorService heartbeats;
    private final ThreadPoolExecutor heartbeatSenders;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor parallel;
    // Guarded by itself.
    private final SplittableRandom random;

    SystemRuntime(long seed) {
        int n = NUMBER.incrementAndGet();
        heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("conclave-txn-" + n + "-heartbeat"));
        // The timer only hands heartbeats over: one stuck on a dead node must not delay the
        // others past the record expiry (5 s) and get healthy transactions aborted.
        heartbeatSenders = new ThreadPoolExecutor(HEARTBEAT_THREADS, HEARTBEAT_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_ASYNC), daemon("conclave-txn-" + n + "-heartbeat-send"),
                new ThreadPoolExecutor.DiscardPolicy());
        heartbeatSenders.allowCoreThreadTimeOut(true);
        workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_ASYNC), daemon("conclave-txn-" + n + "-resolve"),
                new ThreadPoolExecutor.DiscardPolicy());
        workers.allowCoreThreadTimeOut(true);
        parallel = new ThreadPoolExecutor(PARALLEL_THREADS, PARALLEL_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_ASYNC), daemon("conclave-txn-" + n + "-prepare"));
        parallel.allowCoreThreadTimeOut(true);
        // Ids must differ across processes started with the same seed: mix in a secure seed.
        random = new SplittableRandom(seed ^ new SecureRandom().nextLong());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger i = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + i.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) TimeUnit.NANOSECONDS.sleep(nanos);
    }

    @Override
    public AutoCloseable every(long periodNanos, Runnable task) {
        ScheduledFuture<?> f = heartbeats.scheduleAtFixedRate(() -> heartbeatSenders.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A failed heartbeat is retried at the next period; the task records what it learned.
            }
        }), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void async(Runnable task) {
        workers.execute(task);
    }

    @Override
    public <T> List<T> all(List<Supplier<T>> tasks) {
        if (tasks.size() == 1) return List.of(tasks.get(0).get());
        // The first task runs on the caller's thread, which would only wait otherwise: one hand-off
        // fewer per round, and a two-key read takes one pool thread instead of two.
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        futures.add(null);
        for (Supplier<T> t : tasks.subList(1, tasks.size())) {
            try {
                futures.add(CompletableFuture.supplyAsync(t, parallel));
            } catch (RejectedExecutionException full) {
                futures.add(CompletableFuture.completedFuture(t.get()));
            }
        }
        List<T> out = new ArrayList<>(tasks.size());
        RuntimeException first = null;
        try {
            out.add(tasks.get(0).get());
        } catch (RuntimeException e) {
            first = e;
            out.add(null);
        }
        for (CompletableFuture<T> f : futures.subList(1, futures.size())) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TxnException("interrupted waiting for parallel requests", e);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new TxnException(String.valueOf(e.getCause()),
                            e.getCause());
                }
                out.add(null);
            }
        }
        if (first != null) throw first;
        return out;
    }

    @Override
    public void randomBytes(byte[] out) {
        synchronized (random) {
            for (int i = 0; i < out.length; i++) out[i] = (byte) random.nextInt(256);
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        heartbeatSenders.shutdownNow();
        workers.shutdownNow();
        parallel.shutdownNow();
    }
}
