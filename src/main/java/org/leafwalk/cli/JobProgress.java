package org.leafwalk.cli;

import org.leafwalk.explore.service.CommandJob;

/** A command's run as the user follows it: its stages as progress bars on stderr, Ctrl-C asking a walk to stop. */
final class JobProgress implements CommandJob.Listener {
    private final Interrupts interrupts;
    private Progress bar;

    /** @param interrupts the signals that stop a walk (null: none) */
    JobProgress(Interrupts interrupts) {
        this.interrupts = interrupts;
    }

    @Override
    public synchronized void begin(String what, int total, String unit) {
        end();
        bar = Progress.start(what, total, unit);
    }

    @Override
    public synchronized void progress(int done, String message) {
        if (bar != null) {
            bar.stepTo(done);
            if (message != null) {
                bar.message(message);
            }
        }
    }

    @Override
    public synchronized void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public String stopRequested() {
        return interrupts != null && interrupts.requested() ? interrupts.which() : null;
    }
}
