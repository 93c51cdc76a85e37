package io.conclave.range.multiraft;

import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The scheduler's durable writer, in two stages on two threads. The log thread makes each
 * {@link WriteBatch}'s Raft log part durable ({@link Store#commitLog}: one write, one
 * {@code fdatasync} for every group), then runs the batch's {@code afterDurable} (the messages
 * that waited for it: a follower's acknowledgement, a vote) and marks the write's log part done.
 * The state thread then commits the LMDB part ({@link Store#commitState}: state-machine writes,
 * applied state; one LMDB transaction and sync), taking every batch logged meanwhile into the
 * same commit, so it self-batches under load and stays off the acknowledgement path.
 *
 * <p>A batch handed over {@code whole} (one whose follow-up work reads it back from the store,
 * such as a split's new range) is committed with {@link Store#commit}, both parts before the
 * messages leave; so are, by the store's own rule, snapshots, destroys and new groups.
 *
 * <p>The scheduler hands it a batch only when no log part is in flight; what arrives meanwhile
 * accumulates into the next batch (group commit). Everything else that depends on a batch
 * (advancing Raft, publishing applied indexes) stays on the scheduler thread, which learns of
 * each stage's end through {@link Write#isDone}, {@link Write#isStateDone} and the wake-up
 * callback.
 */
final class BatchWriter implements AutoCloseable {
    /** Runs on the writer threads just before each write; a test blocks it to hold writes. */
    interface BeforeWrite {
        /** Before a batch's log part (or the whole batch). */
        void await() throws InterruptedException;

        /** Before an LMDB commit of the parts whose log part is durable. */
        default void awaitState() throws InterruptedException {}
    }

    static final BeforeWrite NO_HOLD = () -> {};

    private final Store store;
    private final BeforeWrite beforeWrite;
    private final Runnable wake;
    private final LongSupplier nanoClock; // statistics only
    private final ExecutorService thread;
    private final ExecutorService stateThread;
    private Write inFlight; // scheduler thread only
    /** Writes on the submitting thread instead (a driven, deterministic scheduler); set before the first write. */
    private boolean inline;

    /** A batch handed to the writer: its log part done (durable, or failed), then its LMDB part. */
    static final class Write {
        final CompletableFuture<Long> commitNanos = new CompletableFuture<>();
        final CompletableFuture<Void> stateDone = new CompletableFuture<>();

        /** The log part is durable (the batch's messages may leave and Raft advance), or failed. */
        boolean isDone() {
            return commitNanos.isDone();
        }

        /** The LMDB part is durable too (reads may see it), or failed. */
        boolean isStateDone() {
            return stateDone.isDone();
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
        this.stateThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName + "-state");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts writing {@code batch}, then runs {@code afterDurable} on the writer thread once its
     * log part (or, if {@code whole}, all of it) is durable (not if the write failed); the
     * previous write's log part must have finished. Scheduler thread only.
     */
    Write submit(WriteBatch batch, boolean whole, Runnable afterDurable) {
        Invariants.check(inFlight == null || inFlight.isDone(), "a second write was handed to the writer while one"
                + " is in flight");
        Write w = new Write();
        inFlight = w;
        Runnable write = () -> {
            Store.LogCommit logged = null;
            try {
                beforeWrite.await();
                long start = nanoClock.getAsLong();
                if (whole) store.commit(batch);
                else logged = store.commitLog(batch);
                long nanos = nanoClock.getAsLong() - start;
                afterDurable.run();
                w.commitNanos.complete(nanos);
            } catch (Throwable t) {
                w.commitNanos.completeExceptionally(t);
                w.stateDone.completeExceptionally(t);
                wake.run();
                return;
            }
            if (logged == null || logged.isStateDurable()) {
                w.stateDone.complete(null);
                wake.run();
                return;
            }
            wake.run();
            Store.LogCommit c = logged;
            Runnable state = () -> {
                try {
                    beforeWrite.awaitState();
                    store.commitState(c);
                    w.stateDone.complete(null);
                } catch (Throwable t) {
                    w.stateDone.completeExceptionally(t);
                } finally {
                    wake.run();
                }
            };
            if (inline) state.run();
            else stateThread.execute(state);
        };
        if (inline) write.run();
        else thread.execute(write);
        return w;
    }

    /**
     * From now on each write runs on the thread that submits it, both parts done when
     * {@link #submit} returns: for a scheduler driven from one thread on virtual time, which must
     * not race a thread of its own. The scheduler still completes it in its next turn, as it
     * would a write that finished on the writer threads.
     */
    void writeInline() {
        inline = true;
    }

    /**
     * Waits until {@code w}'s log part is durable and returns its commit time; rethrows its
     * failure (a failed write stops the node).
     */
    static long await(Write w) throws InterruptedException {
        return get(w.commitNanos);
    }

    /** Waits until {@code w}'s LMDB part is durable; rethrows its failure. */
    static void awaitState(Write w) throws InterruptedException {
        get(w.stateDone);
    }

    private static <T> T get(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
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
        // The LMDB part of a write whose log part is durable is recovered from the log anyway;
        // letting a running commit finish keeps the store's close from waiting on it.
        stateThread.shutdown();
        try {
            stateThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
