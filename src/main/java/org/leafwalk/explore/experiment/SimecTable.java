package org.leafwalk.explore.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Numbers;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.GeometryException;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.Pca;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.model.InputSpace;

/**
 * The first paper's Table 1 protocol: test inputs × repeats × K iterations for SiMEC and SiMExp at η = 1 and 10, in
 * embedding space, with the top-10 logits under the identity metric, τ = 0.01 and the authors' step rule, a snapshot
 * every 10 iterations; once with the authors' algorithm (per-token d×d blocks, uncorrected, |λ| &lt; τ) and once with
 * Leafwalk's (the exact global spectrum of G, SiMEC corrected onto the level set, λ ≤ τ·λ_max). Directions are the
 * papers' uniformly random choice at every step; coordinates are clamped to what pixels in [0,1] can produce.
 */
final class SimecTable implements Protocol {
    static final String ID = "simec-table";
    static final double TAU = 0.01;
    static final int SNAPSHOT_EVERY = 10;
    static final int PCA_COMPONENTS = 3;
    static final List<String> VARIANTS = List.of("authors", "leafwalk");
    static final List<String> ALGORITHMS = List.of("simec", "simexp");
    static final List<Double> ETAS = List.of(1.0, 10.0);

    private final List<Inputs.Item> inputs;
    private final int repeats;
    private final int iterations;
    private final long seed;

    SimecTable(List<Inputs.Item> inputs, int repeats, int iterations, long seed) {
        if (iterations < SNAPSHOT_EVERY) {
            throw new org.leafwalk.io.InvalidInputException("--iterations must be at least " + SNAPSHOT_EVERY + " (one snapshot), got "
                    + iterations);
        }
        if (repeats < 1) {
            throw new org.leafwalk.io.InvalidInputException("--repeats must be at least 1, got " + repeats);
        }
        this.inputs = List.copyOf(inputs);
        this.repeats = repeats;
        this.iterations = iterations;
        this.seed = seed;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String precision() {
        return "float32";
    }

    @Override
    public Map<String, Object> settings() {
        return Json.of("inputs", inputs.stream().map(Inputs.Item::name).toList(), "repeats", repeats,
                "iterations", iterations, "etas", ETAS, "tau", TAU, "step_rule", "authors-code",
                "snapshot_every", SNAPSHOT_EVERY, "space", "embeddings", "metric", "logits (top 10, identity)",
                "seed", seed);
    }

    @Override
    public List<Inputs.Item> inputs() {
        return inputs;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        // repeat by repeat and input by input, every setting of one input together: a run cut short still has
        // every cell filled from the same inputs
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < inputs.size(); i++) {
                for (String variant : VARIANTS) {
                    for (String algo : ALGORITHMS) {
                        for (double eta : ETAS) {
                            Map<String, Object> settings = Json.of("variant", variant, "algorithm", algo, "eta",
                                    eta, "input", i, "repeat", r);
                            runs.add(new Run(runId(settings), iterations, settings));
                        }
                    }
                }
            }
        }
        return runs;
    }

    @Override
    public Map<String, Object> perform(Run run, Explorer model, Work work) {
        Map<String, Object> p = run.params();
        String variant = (String) p.get("variant");
        boolean authors = variant.equals("authors");
        Algorithm algorithm = p.get("algorithm").equals("simec") ? Algorithm.SIMEC : Algorithm.SIMEXP;
        double eta = ((Number) p.get("eta")).doubleValue();
        Inputs.Item item = inputs.get(((Number) p.get("input")).intValue());
        double[] start = model.startPoint(Inputs.image(item, model), InputSpace.EMBEDDINGS);
        WalkSettings ws = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS).withTopK(10).withTau(TAU)
                .withPolicy(StepPolicy.AUTHORS_CODE, eta).withCorrected(!authors && algorithm == Algorithm.SIMEC)
                .withSeed(Experiment.seedOf(seed, run.id())).withRandomChoice(true).withTokenBlock(authors ? -1 : 0);
        long t0 = System.nanoTime();
        Walker w = model.walker(InputSpace.EMBEDDINGS, ws, start, true);
        int n = start.length;
        int snapshots = iterations / SNAPSHOT_EVERY + 1;
        double[] cloud = new double[snapshots * n];
        System.arraycopy(start, 0, cloud, 0, n);
        Readout first = model.readout(w.current().output());
        int startClass = first.prediction();
        List<Double> startProbability = new ArrayList<>();
        startProbability.add(first.probabilities()[startClass]);
        int[] lastOrder = order(first.probabilities());
        int lastPrediction = startClass;
        int changes = 0;
        int orderChanges = 0;
        int taken = 1;
        double[] prev = start.clone();
        double diff = 0;
        double embeddingDiff = 0;
        double stepNorm = 0;
        int done = 0;
        String failed = null;
        Readout last = first;
        for (int t = 1; t <= iterations; t++) {
            StepOutcome o;
            try {
                o = w.step(algorithm, 0, 1);
            } catch (GeometryException e) {
                failed = "iteration " + t + ": " + e.getMessage();
                break;
            }
            double[] x = o.point();
            double abs = 0;
            double sq = 0;
            double[] dx = new double[n];
            for (int j = 0; j < n; j++) {
                double d = x[j] - prev[j];
                dx[j] = d;
                abs += Math.abs(d);
                sq += d * d;
            }
            embeddingDiff += abs / n;
            stepNorm += Math.sqrt(sq);
            // the input a reader sees: the step read back as pixels through the patch projection's pseudo-inverse
            double[] px = model.directionAsImage(dx, InputSpace.EMBEDDINGS);
            double pabs = 0;
            for (double v : px) {
                pabs += Math.abs(v);
            }
            diff += pabs / px.length;
            prev = x;
            done = t;
            if (t % SNAPSHOT_EVERY == 0) {
                last = model.readout(o.state().output());
                System.arraycopy(x, 0, cloud, taken * n, n);
                taken++;
                startProbability.add(last.probabilities()[startClass]);
                if (last.prediction() != lastPrediction) {
                    changes++;
                    lastPrediction = last.prediction();
                }
                int[] ord = order(last.probabilities());
                if (!Arrays.equals(ord, lastOrder)) {
                    orderChanges++;
                    lastOrder = ord;
                }
            }
            work.done(1);
        }
        Map<String, Object> o = Json.object();
        o.putAll(p);
        o.put("input_name", item.name());
        o.put("label", item.label());
        o.put("start_class", startClass);
        o.put("iterations", iterations);
        o.put("iterations_done", done);
        o.put("snapshots", taken);
        o.put("ranking_changes", changes);
        o.put("full_ranking_changes", orderChanges);
        o.put("mean_input_difference", done == 0 ? Double.NaN : diff / done);
        o.put("mean_embedding_difference", done == 0 ? Double.NaN : embeddingDiff / done);
        o.put("mean_step_norm", done == 0 ? Double.NaN : stepNorm / done);
        o.put("hypervolume", Pca.boxVolume(Arrays.copyOf(cloud, taken * n), taken, n, PCA_COMPONENTS));
        o.put("final_prediction", last.prediction());
        o.put("start_class_probability", startProbability);
        o.put("seconds", (System.nanoTime() - t0) / 1e9);
        if (failed != null) {
            o.put("failed", failed);
        }
        return o;
    }

    /** The classes from the most to the least probable (ties by index). */
    private static int[] order(double[] p) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Summary summarise(List<Map<String, Object>> finished) {
        return new SimecSummary(iterations).summarise(finished);
    }

    /**
     * A run's name, made from its settings (what {@code --resume} matches runs on):
     * {@code authors-simexp-eta10-input02-repeat0}.
     */
    static String runId(Map<String, Object> settings) {
        return String.format(Locale.ROOT, "%s-%s-eta%s-input%02d-repeat%d", settings.get("variant"),
                settings.get("algorithm"), Numbers.brief((Double) settings.get("eta")), settings.get("input"),
                settings.get("repeat"));
    }

    static String label(String algo, double eta) {
        return (algo.equals("simec") ? "SiMEC" : "SiMExp") + " η=" + Numbers.brief(eta);
    }
}
