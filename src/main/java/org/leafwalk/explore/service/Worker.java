package org.leafwalk.explore.service;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The compute thread: one thread owns the model and every NDArray. Callers on any thread post commands, which never
 * block; between commands the worker runs the motion it is given (a drag's next step, a playing walk, a match,
 * bringing a decoded sentence up to date), so a command always goes before the next step. It is idle when no
 * command is queued and no motion is pending, and {@link #awaitIdle} waits for exactly that, signalled by the worker
 * itself.
 */
final class Worker {
    /** What the worker does between commands. */
    interface Motion {
        /** The next piece of motion to run on the worker, or null when there is none (worker thread). */
        Runnable next();

        /** Whether motion is pending (any thread; cheap). */
        boolean pending();
    }

    private final Thread thread;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> wake = new ArrayBlockingQueue<>(1);
    private final Object idleLock = new Object();
    private boolean idle; // guarded by idleLock
    private volatile boolean running = true;
    private volatile boolean closing;
    private final Motion motion;
    private final Consumer<Throwable> failed;
    private final org.leafwalk.geometry.Computation computation = new org.leafwalk.geometry.Computation();
    private volatile Runnable cancelled = () -> { };

    /**
     * @param setup run first on the worker (the engine's thread settings)
     * @param failed told on the worker when a command or a motion throws (the worker goes on)
     */
    Worker(String name, Runnable setup, Motion motion, Consumer<Throwable> failed) {
        this.motion = motion;
        this.failed = failed;
        this.thread = new Thread(() -> {
            computation.install();
            guarded(setup);
            loop();
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a command (never blocks). */
    void post(Runnable command) {
        synchronized (idleLock) {
            idle = false;
            commands.add(command);
        }
        wake.offer(Boolean.TRUE);
    }

    /** Motion has changed (a drag target, play): the worker looks again. */
    void wake() {
        synchronized (idleLock) {
            idle = false;
        }
        wake.offer(Boolean.TRUE);
    }

    int queued() {
        return commands.size();
    }

    /** Whether the worker has nothing left to do (any thread; a lock held only for a flag). */
    boolean idle() {
        synchronized (idleLock) {
            return idle;
        }
    }

    boolean closing() {
        return closing;
    }

    boolean onWorker() {
        return Thread.currentThread() == thread;
    }

    /**
     * Waits until every command posted before has run and no motion is pending.
     *
     * @throws IllegalStateException when that takes longer than {@code timeoutMillis}
     */
    void awaitIdle(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (idleLock) {
            while (!idle && running) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the compute service did not become idle in " + timeoutMillis
                            + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(idleLock, left);
            }
        }
    }

    /** Keeps the worker busy until {@code gate} opens or the worker closes (a very long computation). */
    void hold(CountDownLatch gate) {
        try {
            long t0 = System.nanoTime();
            while (!closing && !gate.await(50, TimeUnit.MILLISECONDS)) {
                // re-checks closing, so close() is never held up by a gate nobody opens; reports as a long
                // computation does, so the status shows it and Esc stops it
                org.leafwalk.geometry.Computation.report("held computation",
                        (int) ((System.nanoTime() - t0) / 1_000_000_000L), 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code last} on the worker after every command already posted, then stops it; waits up to
     * {@code waitMillis} for that. When the worker is still inside a long step then, it finishes there and runs
     * {@code last} itself: what the worker owns is never closed from another thread while it runs.
     */
    void close(Runnable last, long waitMillis) {
        closing = true;
        post(() -> {
            try {
                last.run();
            } finally {
                running = false;
            }
        });
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return thread.isAlive();
    }

    private void loop() {
        while (running) {
            try {
                Runnable c = commands.poll();
                if (c != null) {
                    guarded(c);
                    continue;
                }
                Runnable m = closing ? null : motion.next();
                if (m != null) {
                    guarded(m);
                    continue;
                }
                synchronized (idleLock) {
                    if (commands.isEmpty() && (closing || !motion.pending())) {
                        idle = true;
                        idleLock.notifyAll();
                    }
                }
                wake.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (idleLock) {
            idle = true;
            idleLock.notifyAll();
        }
    }

    private void guarded(Runnable r) {
        computation.begin();
        try {
            r.run();
        } catch (org.leafwalk.geometry.Computation.Cancelled e) {
            guardedCancelled();
        } catch (RuntimeException | OutOfMemoryError e) {
            failed.accept(e);
        } finally {
            computation.end();
        }
    }

    private void guardedCancelled() {
        try {
            cancelled.run();
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }

    /** What the worker computes now (its stage and when it began), read from any thread. */
    org.leafwalk.geometry.Computation computation() {
        return computation;
    }

    /** Told on the worker after a computation stopped at a user's request (the state is as it was before it). */
    void onCancelled(Runnable r) {
        cancelled = r;
    }
}
