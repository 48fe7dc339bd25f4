package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.leafwalk.explore.service.Snapshot;

/**
 * Draws each snapshot on the JavaFX thread. The main panels follow every state; the secondary panels follow a few
 * times a second while a walk runs (taking turns, so no single frame redraws all of them) and always when it stops:
 * fewer dirty regions per pulse keep the window smooth even with software rendering on a busy machine. Whoever
 * needs to know that a state was drawn (the service's pacing, screenshots, the benchmark, diagnostics) listens.
 */
final class RenderScheduler {
    private static final long SECONDARY_NANOS = 300_000_000L;
    private final List<Consumer<Snapshot>> every = new ArrayList<>();
    private final List<List<Consumer<Snapshot>>> turns = new ArrayList<>();
    private final List<Consumer<Snapshot>> whenSecondary = new ArrayList<>();
    private final List<LongConsumer> drawn = new ArrayList<>();
    private final List<Runnable> firstDrawn = new ArrayList<>();
    private final AtomicLong renders = new AtomicLong();
    private long lastSecondary;
    private long turn;
    private long maxRenderNanos;
    private volatile long firstDrawnMillis;
    /** Diagnostics for tests: how long each render took, in ms (null: not recording). */
    volatile List<Long> renderLog;

    /** A panel that follows every state. */
    RenderScheduler every(Consumer<Snapshot> panel) {
        every.add(panel);
        return this;
    }

    /** Secondary panels drawn together; groups added one after the other take turns while a walk runs. */
    @SafeVarargs
    final RenderScheduler secondary(Consumer<Snapshot>... group) {
        turns.add(List.of(group));
        return this;
    }

    /** What follows whenever the secondary panels are drawn (the status, the timeline). */
    RenderScheduler whenSecondary(Consumer<Snapshot> panel) {
        whenSecondary.add(panel);
        return this;
    }

    /** Told the version of every snapshot drawn. */
    RenderScheduler onDrawn(LongConsumer listener) {
        drawn.add(listener);
        return this;
    }

    /** Told once, after the first state was drawn. */
    RenderScheduler onFirstDrawn(Runnable listener) {
        firstDrawn.add(listener);
        return this;
    }

    void render(Snapshot s) {
        render(s, !s.busy());
    }

    /** Draws {@code s} on every panel, the secondary ones too (what is shown stays: no newer state will come). */
    void renderWhole(Snapshot s) {
        render(s, true);
    }

    private void render(Snapshot s, boolean whole) {
        renders.incrementAndGet();
        long t0 = System.nanoTime();
        every.forEach(p -> p.accept(s));
        long now = System.nanoTime();
        boolean secondary = whole || now - lastSecondary > SECONDARY_NANOS;
        if (secondary) {
            lastSecondary = now;
            int mine = turns.isEmpty() ? 0 : (int) (turn++ % turns.size());
            for (int i = 0; i < turns.size(); i++) {
                if (whole || i == mine) {
                    turns.get(i).forEach(p -> p.accept(s));
                }
            }
            whenSecondary.forEach(p -> p.accept(s));
        }
        drawn.forEach(l -> l.accept(s.version()));
        long took = System.nanoTime() - t0;
        maxRenderNanos = Math.max(maxRenderNanos, took);
        List<Long> log = renderLog;
        if (log != null) {
            log.add(took / 1_000_000);
        }
        if (secondary && firstDrawnMillis == 0) {
            firstDrawnMillis = System.currentTimeMillis();
            firstDrawn.forEach(Runnable::run);
        }
    }

    long renders() {
        return renders.get();
    }

    long maxRenderNanos() {
        return maxRenderNanos;
    }

    /** When the first walk state was drawn (ms since the epoch), 0 before. */
    long firstDrawnMillis() {
        return firstDrawnMillis;
    }
}
