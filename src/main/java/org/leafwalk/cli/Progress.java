package org.leafwalk.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long run on stderr (stdout stays for results and --json): a bar redrawn in place on a terminal, a
 * line every few seconds otherwise (a log, a CI run), both through the progressbar library.
 */
final class Progress implements AutoCloseable {
    /** How often a line is printed when stderr is not a terminal. */
    static final int LOG_INTERVAL_MS = 5_000;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long max, String unit) {
        boolean terminal = System.console() != null;
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(" " + unit, 1)
                .showSpeed().setMaxRenderedLength(100).setStyle(ProgressBarStyle.ASCII);
        if (terminal) {
            b.setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err, 100));
        } else {
            b.setUpdateIntervalMillis(LOG_INTERVAL_MS).continuousUpdate().setConsumer(
                    new DelegatingProgressBarConsumer(line -> System.err.println(line.strip()), 100));
        }
        return new Progress(b.build());
    }

    void step() {
        bar.step();
    }

    void stepTo(long n) {
        bar.stepTo(n);
    }

    void message(String extra) {
        bar.setExtraMessage(" " + extra);
    }

    @Override
    public void close() {
        bar.close();
    }
}
