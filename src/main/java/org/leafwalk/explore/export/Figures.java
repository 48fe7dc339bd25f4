package org.leafwalk.explore.export;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.walk.Numbers;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.io.InvalidInputException;

/**
 * The window's plots as figures for papers and notebooks: the spectrum, the output distribution and the drift of a
 * recorded walk at a step, and the Lipschitz curves and per-layer spectra, each as PNG and SVG (one Java2D drawing,
 * {@link Chart}). The window's File → Export and the command line make the same files from the same data.
 */
public final class Figures {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 380;
    private static final Color NON_NULL = new Color(0xc0392b);
    private static final Color NULL = new Color(0x2166ac);
    private static final Color RANDOM = new Color(0x9aa3ad);
    /** As the window's output bars: every class up to 12, else the ten most probable and the start prediction. */
    private static final int ALL_UP_TO = 12;
    private static final int TOP = 10;

    private Figures() {}

    /** The spectrum, output distribution and drift of a recorded walk at {@code step}. */
    public static List<Chart> ofWalk(Recording r, int step) {
        if (r.trajectory().isEmpty()) {
            throw new IllegalArgumentException("the walk has no recorded step");
        }
        if (step < 0 || step >= r.trajectory().size()) {
            throw new InvalidInputException("step " + step + ": the walk has steps 0 to "
                    + (r.trajectory().size() - 1));
        }
        TrajectoryEntry e = r.trajectory().get(step);
        List<Chart> out = new ArrayList<>();
        out.add(spectrum(e.topEigenvalues(), r.settings().tau(), step));
        out.add(outputs(r, step));
        out.add(drift(r, step));
        return out;
    }

    /** The largest eigenvalues of G at the step, log scale, with the null threshold τ·λ_max dashed. */
    static Chart spectrum(double[] eigenvalues, double tau, int step) {
        double lmax = eigenvalues.length == 0 ? 0 : eigenvalues[0];
        int n = eigenvalues.length;
        double[] idx = new double[n];
        double[] kept = new double[n];
        double[] nulls = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i + 1;
            boolean nonNull = eigenvalues[i] > tau * lmax && eigenvalues[i] > 0;
            kept[i] = nonNull ? eigenvalues[i] : Double.NaN;
            nulls[i] = nonNull ? Double.NaN : Math.max(eigenvalues[i], 1e-300);
        }
        Chart c = Chart.lines("spectrum", "Spectrum of G = JᵀMJ at step " + step + " (largest " + n + ")",
                "eigenvalue index", "eigenvalue", false, true);
        c.add(new Chart.Series("non-null", idx, kept, null, null, NON_NULL, false,
                Chart.Mark.DOTS));
        c.add(new Chart.Series("null", idx, nulls, null, null, NULL, false, Chart.Mark.RINGS));
        if (lmax > 0) {
            c.rule(tau * lmax, "τ·λmax (τ = " + Numbers.brief(tau) + ")", new Color(0xe67e22));
        }
        return c;
    }

    /** The probabilities at the step (bars) and at the start (black ticks), for the classes the window shows. */
    static Chart outputs(Recording r, int step) {
        TrajectoryEntry now = r.trajectory().get(step);
        TrajectoryEntry start = r.trajectory().get(0);
        int classes = now.probabilities().length;
        List<Integer> rows = new ArrayList<>();
        if (classes <= ALL_UP_TO) {
            for (int i = 0; i < classes; i++) {
                rows.add(i);
            }
        } else {
            // the most probable now, then the start prediction: a figure of 1,000 bars says nothing
            Integer[] order = new Integer[classes];
            for (int i = 0; i < classes; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(now.probabilities()[b], now.probabilities()[a]));
            for (int i = 0; i < TOP; i++) {
                rows.add(order[i]);
            }
            if (!rows.contains(start.prediction())) {
                rows.add(start.prediction());
            }
        }
        List<String> labels = new ArrayList<>();
        double[] p = new double[rows.size()];
        double[] p0 = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int c = rows.get(i);
            labels.add(Readout.labelOf(r.labels(), c));
            p[i] = now.probabilities()[c];
            p0[i] = start.probabilities()[c];
        }
        Chart c = Chart.bars("outputs", "Output distribution at step " + step + (rows.size() < classes
                ? " (" + rows.size() + " of " + classes + " classes)" : ""), "probability", labels, false);
        c.add(new Chart.Series("step " + step, null, p, null, null, Chart.PALETTE[0], false));
        c.reference("start", p0);
        return c;
    }

    /** KL divergence from the start against the distance walked, up to the step. */
    static Chart drift(Recording r, int step) {
        double[] x = new double[step + 1];
        double[] y = new double[step + 1];
        for (int i = 0; i <= step; i++) {
            x[i] = r.trajectory().get(i).distance();
            y[i] = r.trajectory().get(i).kl();
        }
        Chart c = Chart.lines("drift", "Drift: KL from the start against the distance walked", "distance from the start",
                "KL (nats)", false, false);
        c.add(new Chart.Series("walk", x, y, null, null, new Color(0x8e44ad), false));
        return c;
    }

    /** Directional Lipschitz ratios against ε, log-log, one line per direction. */
    public static Chart lipschitz(Analysis.LipschitzCurves curves) {
        Chart c = Chart.lines("lipschitz", "Directional Lipschitz ratios ‖f(x+εv) − f(x)‖/ε at step " + curves.step()
                + " (" + curves.metric() + " metric)", "ε", "ratio", true, true);
        boolean[] named = new boolean[3];
        for (Analysis.Curve k : curves.curves()) {
            int kind = k.family().ordinal();
            Color col = switch (k.family()) {
                case EIGEN -> NON_NULL;
                case NULL -> NULL;
                case RANDOM -> RANDOM;
            };
            String legend = named[kind] ? "" : switch (k.family()) {
                case EIGEN -> "top eigendirections";
                case NULL -> "null directions";
                case RANDOM -> "random directions";
            };
            named[kind] = true;
            c.add(new Chart.Series(legend, k.epsilons(), k.ratios(), null, null, col, false));
        }
        return c;
    }

    /** Each layer's non-zero eigenvalues of G for its [CLS] state, log scale. */
    public static Chart layers(Analysis.LayerSpectra spectra) {
        Chart c = Chart.lines("layers", "Spectrum of G for each layer's [CLS] state at step " + spectra.step(),
                "eigenvalue index", "eigenvalue", false, true);
        for (Analysis.Layer l : spectra.layers()) {
            double[] idx = new double[l.eigenvalues().length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i + 1;
            }
            c.add(new Chart.Series("layer " + l.layer() + ": rank " + l.rank(), idx, l.eigenvalues(), null, null,
                    Chart.PALETTE[(l.layer() - 1) % Chart.PALETTE.length], false));
        }
        return c;
    }

    /** The figures as {@code DIR/name.png} and {@code DIR/name.svg}, in order. */
    public static Map<Path, byte[]> files(Path dir, List<Chart> charts) {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        for (Chart c : charts) {
            out.put(dir.resolve(c.name() + ".png"), c.png(WIDTH, HEIGHT));
            out.put(dir.resolve(c.name() + ".svg"), c.svg(WIDTH, HEIGHT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Writes {@link #files}, all or nothing; returns the paths written. */
    public static List<Path> write(Path dir, List<Chart> charts) {
        org.leafwalk.io.FileTransaction t = new org.leafwalk.io.FileTransaction();
        files(dir, charts).forEach(t::add);
        return t.commit();
    }
}
