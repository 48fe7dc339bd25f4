package org.leafwalk.explore.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Vectors;

/**
 * A walk as recorded, with its cursor: the one recording path of the window and the command line. Recording a step
 * when the cursor stands on an earlier one (after undo or scrubbing) drops the steps past it first, as an editor's
 * history does; moving the cursor keeps them, to scrub back to. Not thread-safe: the thread that walks owns it.
 */
public final class Trajectory {

    private final List<TrajectoryEntry> entries = new ArrayList<>();
    private final Readout start;
    private int cursor;

    /** A walk that starts at {@code at}, read as {@code read}: step 0, "start". */
    public Trajectory(Linearization at, Readout read) {
        this.start = read;
        entries.add(new TrajectoryEntry(0, "start", 0, at.point(), read.probabilities(), read.prediction(),
                top(at.spectrum().nonzeroEigenvalues()), 0, 0));
    }

    /** The entry of a point reached from the start (its distance and KL divergence from there). */
    private TrajectoryEntry entry(int step, String direction, double delta, Linearization state, Readout read) {
        double[] x = state.point();
        return new TrajectoryEntry(step, direction, delta, x, read.probabilities(), read.prediction(),
                top(state.spectrum().nonzeroEigenvalues()), read.klFrom(start),
                Vectors.distance(x, entries.get(0).point()), !state.fresh());
    }

    /** Records a step to {@code state} after the cursor (dropping what was undone past it) and moves onto it. */
    public TrajectoryEntry record(String direction, double delta, Linearization state, Readout read) {
        while (entries.size() > cursor + 1) {
            entries.remove(entries.size() - 1);
        }
        TrajectoryEntry e = entry(entries.size(), direction, delta, state, read);
        entries.add(e);
        cursor = entries.size() - 1;
        return e;
    }

    /** The same recorded step read again at {@code state} (a session replayed on changed weights). */
    public TrajectoryEntry reread(TrajectoryEntry e, Linearization state, Readout read) {
        TrajectoryEntry again = entry(e.step(), e.direction(), e.delta(), state, read);
        return new TrajectoryEntry(e.step(), e.direction(), e.delta(), e.point(), again.probabilities(),
                again.prediction(), again.topEigenvalues(), again.kl(), e.distance(), false);
    }

    /** Replaces the recorded steps (a session's), the cursor on {@code cursor}. */
    public void restore(List<TrajectoryEntry> recorded, int cursor) {
        entries.clear();
        entries.addAll(recorded);
        this.cursor = Math.max(0, Math.min(cursor, entries.size() - 1));
    }

    /** Moves the cursor (clamped to the recorded steps); returns the step it stands on. */
    public int moveTo(int step) {
        cursor = Math.max(0, Math.min(step, entries.size() - 1));
        return cursor;
    }

    public int cursor() {
        return cursor;
    }

    /** Every recorded step, those undone past the cursor included. */
    public int size() {
        return entries.size();
    }

    public TrajectoryEntry get(int step) {
        return entries.get(step);
    }

    public TrajectoryEntry current() {
        return entries.get(cursor);
    }

    public double[] startPoint() {
        return entries.get(0).point();
    }

    public Readout startReadout() {
        return start;
    }

    /** Every step recorded, those past the cursor (undone, scrubbed back over) too. */
    public List<TrajectoryEntry> entries() {
        return List.copyOf(entries);
    }

    /** The walk up to the cursor: what is exported and saved (steps undone past it are not). */
    public List<TrajectoryEntry> recorded() {
        return List.copyOf(entries.subList(0, cursor + 1));
    }

    /** Distance from the start at every step up to the cursor. */
    public double[] distances() {
        return entries.subList(0, cursor + 1).stream().mapToDouble(TrajectoryEntry::distance).toArray();
    }

    /** KL divergence from the start distribution at every step up to the cursor. */
    public double[] kls() {
        return entries.subList(0, cursor + 1).stream().mapToDouble(TrajectoryEntry::kl).toArray();
    }

    private static double[] top(double[] eigenvalues) {
        return Arrays.copyOf(eigenvalues, Math.min(TrajectoryEntry.EIGENVALUES, eigenvalues.length));
    }
}
