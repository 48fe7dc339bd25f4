package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.ImageSubject;

/**
 * The window's representation match, on the compute thread: started from the walk's image toward a target image on
 * the float64 twin, stepped by the worker between commands, and adopted as the walk's input when the user asks.
 */
final class Matching {
    private final Workspace workspace;
    private final Analyses analyses;
    private final Consumer<Notice> notices;
    private Match match; // the match under way, or the last one
    private volatile boolean running;

    Matching(Workspace workspace, Analyses analyses, Consumer<Notice> notices) {
        this.workspace = workspace;
        this.analyses = analyses;
        this.notices = notices;
        workspace.onModelChange(() -> {
            match = null;
            running = false;
        });
    }

    /** A match is stepping (any thread). */
    boolean running() {
        return running;
    }

    void stop() {
        running = false;
    }

    /** Starts a match toward {@code target}; returns its first progress, or null (a notice says why). */
    Analysis start(Path target, boolean keep, int budget, double stepSize) {
        return start(source -> Match.from(source, target, keep, stepSize, budget));
    }

    /** Starts a match toward an image whose file's bytes came without the file (from a client of leafwalk serve). */
    Analysis start(String name, byte[] target, boolean keep, int budget, double stepSize) {
        return start(source -> Match.from(source, source.model().loadImage(name, target), keep, stepSize, budget));
    }

    private Analysis start(java.util.function.Function<ImageSubject, Match> matching) {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("representation matching works on an image input of an image model"));
            return null;
        }
        ImageSubject source;
        try {
            s.subject().asImage("representation matching");
            source = analyses.precise().asImage("representation matching");
        } catch (org.leafwalk.io.InvalidInputException e) {
            notices.accept(Notice.error(e.getMessage()));
            return null;
        }
        try {
            match = matching.apply(source);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open the target: " + Workspace.describe(e), e));
            return null;
        }
        running = true;
        return match.progress();
    }

    /** One step of the running match. */
    Analysis step() {
        Analysis.Match p = match.step(1e-3);
        if (p.done()) {
            running = false;
        }
        return p;
    }

    /** Makes the match's current image the walk's input (the walk restarts there). */
    void adopt() {
        if (match != null) {
            workspace.openPicture(Path.of("matched.png"), match.current());
        }
    }
}
