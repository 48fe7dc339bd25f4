package org.leafwalk.explore.session;

import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.failure.StepRefused;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.SpectrumSummary;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.geometry.DirectionTracker;
import org.leafwalk.geometry.GeometryException;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.Walker;

/**
 * One walk of a subject: the settings, the walker and the trajectory. It restarts, applies settings, steps, settles
 * and scrubs, and records every step in its {@link Trajectory} the same way for the window and the command line.
 * Confined to the thread that walks (the compute service's worker, or a command's main thread). Closing it closes
 * the subject, not the model.
 */
public final class Session implements AutoCloseable {
    /** What a step did: its recorded entry, the read-out there, and the retraction it needed (0: none). */
    public record Step(TrajectoryEntry entry, Readout readout, double correction) {}

    private final String modelReference;
    private final Path modelDir;
    private Subject subject;
    private Settings settings;
    private Walker walker;
    private Trajectory trajectory;

    /**
     * Starts a walk of {@code subject} at its start point.
     *
     * @param modelReference what the user named the model by (default, a folder), as recordings keep it
     */
    public Session(String modelReference, Path modelDir, Subject subject, Settings settings) {
        this.modelReference = modelReference;
        this.modelDir = modelDir;
        this.subject = subject;
        // a model without a classifier has the representation metric only (its notes say so)
        Settings s = subject.labels().isEmpty() && settings.metric() != Metric.REPRESENTATION
                ? settings.withMetric(Metric.REPRESENTATION) : settings;
        this.settings = s.withSpace(subject.space()).validate();
        restart();
    }

    public Subject subject() {
        return subject;
    }

    /**
     * How steps get their Jacobian (default AUTO: carried between linearisations where an exact one costs more than
     * {@link JacobianMode#AUTO_FLOPS}). Takes effect from the next step.
     */
    public void jacobian(JacobianMode mode) {
        settings = settings.withJacobian(mode);
        applyJacobian(walker, subject, settings);
    }

    /** Carried steps in a row that the trust test refused (each was redone with an exact J). */
    public int trustRefusalsInARow() {
        return walker.trustRefusalsInARow();
    }

    /** Whether an exact step here is long (over {@link JacobianMode#AUTO_FLOPS}, as on ViT-Base-sized models). */
    public boolean longSteps() {
        return subject.exactStepFlops(walker.spec().size()) > JacobianMode.AUTO_FLOPS;
    }

    /** Whether this walk's steps carry J between linearisations. */
    public boolean carriesJacobian() {
        return walker.jacobianReuse() != null;
    }

    private void applyJacobian(Walker w, Subject on, Settings with) {
        // the per-token block variant reads every token's block of J afresh: it always linearises exactly
        w.reuseJacobian(with.jacobian().reuses(on.exactStepFlops(w.spec().size())) && !with.tokenBlocks()
                ? org.leafwalk.geometry.JacobianReuse.DEFAULT : null);
    }

    public Settings settings() {
        return settings;
    }

    public Trajectory trajectory() {
        return trajectory;
    }

    public Path modelDir() {
        return modelDir;
    }

    public Walker walker() {
        return walker;
    }

    public Linearization current() {
        return walker.current();
    }

    public DirectionTracker tracker() {
        return walker.tracker();
    }

    /** The current point (a copy). */
    public double[] point() {
        return walker.current().point().clone();
    }

    /** The input's dimension in the space walked. */
    public int dimension() {
        return walker.current().point().length;
    }

    /** The spectrum of G at the current point. */
    public SpectrumSummary spectrum() {
        var s = walker.current().spectrum();
        return new SpectrumSummary(s.dimension(), s.rank(), s.tau(), s.nonzeroEigenvalues(), s.eigenvalues(),
                walker.spec().columns());
    }

    /** The output columns the walk's metric sees (the classes, or the representation's coordinates). */
    public int[] selectedOutputs() {
        return walker.spec().columns();
    }

    /** The model's read-out at the current point. */
    public Readout readout() {
        return subject.readout(walker.current().output());
    }

    /** Walks again from the start: the trajectory holds the start only. */
    public void restart() {
        startAt(subject, settings);
    }

    private void startAt(Subject on, Settings with) {
        Walker w = on.walker(with, on.start(), null);
        applyJacobian(w, on, with);
        Trajectory t = new Trajectory(w.current(), on.readout(w.current().output()));
        walker = w;
        trajectory = t;
    }

    /**
     * Takes new settings: another space, layer, metric, number of classes, seed, number of null directions or
     * variant restarts the walk; a new step rule or threshold continues it from where it stands. When the new
     * settings cannot be used, the walk stays as it was. Returns whether the walk restarted.
     */
    public boolean apply(Settings next) {
        Subject again = subject.with(next);
        Settings old = settings;
        try {
            next = next.withSpace(again.space()).validate();
        } catch (RuntimeException e) {
            if (again != subject) {
                again.close();
            }
            throw e;
        }
        boolean restart = again != subject || old.space() != next.space() || old.metric() != next.metric()
                || old.topK() != next.topK() || old.layer() != next.layer() || old.seed() != next.seed()
                || old.nullDirections() != next.nullDirections() || old.randomChoice() != next.randomChoice()
                || old.tokenBlocks() != next.tokenBlocks() || old.embeddingBounds() != next.embeddingBounds();
        try {
            if (restart) {
                startAt(again, next);
            } else {
                // the walk goes on where it stands, in the SiMEC stretch it is in: no new Jacobian
                Walker w = walker.continueWith(next.walkSettings());
                applyJacobian(w, subject, next);
                walker = w;
            }
        } catch (RuntimeException e) {
            if (again != subject) {
                again.close();
            }
            throw e;
        }
        if (again != subject) {
            subject.close();
            subject = again;
        }
        settings = next;
        return restart;
    }

    /**
     * One step along tracked direction {@code direction} (a null direction for SiMEC, an eigendirection for
     * SiMExp), {@code sign} ±1, at most {@code maxDelta} long; recorded after the cursor.
     *
     * @throws StepRefused when the geometry refuses it (the walk stays where it was)
     */
    public Step step(WalkAlgorithm algorithm, int direction, double sign, double maxDelta) {
        StepOutcome o;
        try {
            o = walker.step(algorithm.engine(), direction, sign, maxDelta);
        } catch (GeometryException e) {
            String why = e.getMessage();
            if (e instanceof GeometryException.NonFinite nf) {
                String where = subject.firstNonFinite(nf.point());
                if (where != null) {
                    why += ": the forward pass first leaves the finite numbers in " + where + ", from finite inputs: "
                            + "look at that stage's weights";
                }
            }
            throw new StepRefused(why, e);
        }
        Readout r = subject.readout(o.state().output());
        return new Step(trajectory.record(o.direction(), o.delta(), o.state(), r), r, o.correction());
    }

    /**
     * Lets a corrected SiMEC walk settle onto the level set it keeps; {@code record}: as a step of the trajectory
     * (the window), else only the walker moves (a command's final read-out). Returns the read-out there.
     */
    public Readout settle(boolean record) {
        Linearization before = walker.current();
        Linearization after = walker.settle();
        Readout r = subject.readout(after.output());
        if (record && after != before) {
            trajectory.record("settle", 0, after, r);
        }
        walker.resortEigendirections();
        return r;
    }

    /** Moves to a recorded step (clamped); {@code truncate} at step 0 restarts the walk (reset). */
    public void scrub(int step, boolean truncate) {
        if (truncate && step <= 0) {
            restart();
            return;
        }
        walker.moveTo(trajectory.get(trajectory.moveTo(step)).point());
    }

    public void redrawNullDirections() {
        walker.redrawNullDirections();
    }

    /** The walk up to the cursor as a recording, for export and sessions. */
    public Recording recording() {
        return subject.recording(modelReference, modelDir, settings, trajectory.recorded(),
                trajectory.cursor());
    }

    /**
     * Puts a saved walk's steps in place, the cursor where it was saved; {@code recompute}: each step's outputs are
     * read again with the current weights.
     */
    public void restore(Recording r, boolean recompute) {
        List<TrajectoryEntry> steps = r.trajectory();
        if (recompute) {
            steps = steps.stream().map(e -> {
                Linearization at = walker.moveTo(e.point());
                return trajectory.reread(e, at, subject.readout(at.output()));
            }).toList();
        }
        trajectory.restore(steps, r.cursor());
        walker.moveTo(trajectory.current().point());
    }

    @Override
    public void close() {
        subject.close();
    }

    /**
     * How many directions {@code algorithm} chooses among here: SiMEC's tracked null directions, SiMExp's
     * eigendirections (the non-zero spectrum); a slider or --direction is 0 to this less one.
     */
    public int directions(WalkAlgorithm algorithm) {
        var tracker = walker().tracker();
        return algorithm == WalkAlgorithm.SIMEC ? tracker.nullCount() : tracker.eigendirectionCount();
    }
}
