package io.conclave.range.multiraft;

import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The scheduler's durable writer: commits one {@link WriteBatch} at a time (one LMDB write
 * transaction, one fsync) on its own thread, so that the scheduler thread keeps stepping and
 * batching while the disk works. The scheduler hands it a batch only when none is in flight;
 * what arrives meanwhile accumulates into the next batch (group commit).
 *
 * <p>Right after a batch is durable the writer runs the batch's {@code afterDurable} (the
 * scheduler hands it the messages that waited for this batch, already framed, so that a
 * follower's acknowledgement leaves without waiting for the scheduler thread to wake up); all
 * else that depends on the batch (advancing Raft, publishing applied indexes) stays on the
 * scheduler thread, which learns of the end of a write through {@link Write#isDone} and the
 * wake-up callback.
 */
final class BatchWriter implements AutoCloseable {
    /** Runs on the writer thread just before each commit; a test blocks it to hold writes. */
    interface BeforeWrite {
        void await() throws InterruptedException;
    }

    static final BeforeWrite NO_HOLD = () -> {};

    private final Store store;
    private final BeforeWrite beforeWrite;
    private final Runnable wake;
    private final LongSupplier nanoClock; // statistics only
    private final ExecutorService thread;
    private Write inFlight; // scheduler thread only
    /** Writes on the submitting thread instead (a driven, deterministic scheduler); set before the first write. */
    private boolean inline;

    /** A batch handed to the writer: done when durable, or failed. */
    static final class Write {
        final CompletableFuture<Long> commitNanos = new CompletableFuture<>();

        boolean isDone() {
            return commitNanos.isDone();
        }
    }

    BatchWriter(String threadName, Store store, BeforeWrite beforeWrite, Runnable wake, LongSupplier nanoClock) {
        this.store = store;
        this.beforeWrite = beforeWrite;
        this.wake = wake;
        this.nanoClock = nanoClock;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts writing {@code batch}, then runs {@code afterDurable} on the writer thread once it is
     * durable (not if the write failed); the previous write must have finished. Scheduler thread
     * only.
     */
    Write submit(WriteBatch batch, Runnable afterDurable) {
        Invariants.check(inFlight == null || inFlight.isDone(), "a second write was handed to the writer while one"
                + " is in flight");
        Write w = new Write();
        inFlight = w;
        Runnable write = () -> {
            try {
                beforeWrite.await();
                long start = nanoClock.getAsLong();
                store.commit(batch);
                long nanos = nanoClock.getAsLong() - start;
                afterDurable.run();
                w.commitNanos.complete(nanos);
            } catch (Throwable t) {
                w.commitNanos.completeExceptionally(t);
            } finally {
                wake.run();
            }
        };
        if (inline) write.run();
        else thread.execute(write);
        return w;
    }

    /**
     * From now on each write runs on the thread that submits it, done when {@link #submit}
     * returns: for a scheduler driven from one thread on virtual time, which must not race a
     * thread of its own. The scheduler still completes it in its next turn, as it would a write
     * that finished on the writer thread.
     */
    void writeInline() {
        inline = true;
    }

    /**
     * Waits until {@code w} is durable and returns its commit time; rethrows its failure (a
     * failed write stops the node).
     */
    static long await(Write w) throws InterruptedException {
        try {
            return w.commitNanos.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("durable write failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
