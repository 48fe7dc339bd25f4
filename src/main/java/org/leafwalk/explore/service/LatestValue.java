package org.leafwalk.explore.service;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands values from a producer thread to a consumer on another executor (the UI thread) with at most one hand-over
 * pending: a value that arrives while one is pending replaces it. The consumer always sees the newest value and is
 * never flooded.
 */
public final class LatestValue<T> {
    private final AtomicReference<T> latest = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor executor;
    private final Consumer<T> consumer;

    public LatestValue(Executor executor, Consumer<T> consumer) {
        this.executor = executor;
        this.consumer = consumer;
    }

    public void offer(T value) {
        latest.set(value);
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                scheduled.set(false);
                T v = latest.getAndSet(null);
                if (v != null) {
                    consumer.accept(v);
                }
            });
        }
    }

    /** True while a hand-over is queued on the executor. */
    public boolean pending() {
        return scheduled.get();
    }
}
