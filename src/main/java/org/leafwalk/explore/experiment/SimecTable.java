package org.leafwalk.explore.experiment;

import org.leafwalk.explore.Chart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Json;
import org.leafwalk.explore.Readout;
import org.leafwalk.explore.Settings;
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
                            String id = String.format(Locale.ROOT, "%s-%s-eta%s-input%02d-repeat%d", variant, algo,
                                    Chart.format(eta), i, r);
                            runs.add(new Run(id, iterations, Json.of("variant", variant, "algorithm", algo, "eta", eta,
                                    "input", i, "repeat", r)));
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

    /** The published MNIST values (Table 1 and the text of the first paper). */
    static Map<String, Object> paper() {
        return Json.of(
                "source", "Benfenati et al., arXiv 2410.06019, MNIST ViT (2×2 patches, 197 tokens), 16 inputs × 3 repeats, "
                        + "K = 1000",
                "ranking_changes_per_1000", Json.of("simec", Json.of("1", 0.03, "10", 0.07),
                        "simexp", Json.of("1", 1.31, "10", 11.91)),
                "mean_input_difference", Json.of("simec", 2.2e-3, "simexp", 83.0e-3),
                "hypervolume_ratio", List.of(28.0, 158.0));
    }

    private static double paperRanking(String algo, double eta) {
        return algo.equals("simec") ? (eta == 1 ? 0.03 : 0.07) : (eta == 1 ? 1.31 : 11.91);
    }

    private static double paperDifference(String algo) {
        return algo.equals("simec") ? 2.2e-3 : 83.0e-3;
    }

    @Override
    public Summary summarise(List<Map<String, Object>> finished) {
        List<Map<String, Object>> cells = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        Chart curves = Chart.lines("start-class-probability", "Probability of the start class over the iterations "
                + "(mean over runs)", "iteration", "p(start class)", false, false);
        double[][] ranking = new double[VARIANTS.size()][ALGORITHMS.size() * ETAS.size()];
        double[][] volume = new double[VARIANTS.size()][ALGORITHMS.size() * ETAS.size()];
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-9s %-7s %4s %5s  %-22s %-22s %-11s %s%n", "variant", "algo", "η",
                "runs", "ranking chg/1000 (paper)", "pixel diff (paper)", "hypervolume", "SiMExp/SiMEC (paper 28–158×)"));
        for (int v = 0; v < VARIANTS.size(); v++) {
            String variant = VARIANTS.get(v);
            double[] simecVolume = new double[ETAS.size()];
            for (int a = 0; a < ALGORITHMS.size(); a++) {
                String algo = ALGORITHMS.get(a);
                for (int e = 0; e < ETAS.size(); e++) {
                    double eta = ETAS.get(e);
                    List<Map<String, Object>> of = finished.stream().filter(r -> variant.equals(r.get("variant"))
                            && algo.equals(r.get("algorithm")) && num(r, "eta") == eta).toList();
                    Map<String, Object> c = cell(variant, algo, eta, of);
                    int col = a * ETAS.size() + e;
                    double rk = num(c, "ranking_changes_per_1000");
                    double hv = num(c, "hypervolume");
                    ranking[v][col] = rk;
                    volume[v][col] = hv;
                    String ratio = "";
                    if (algo.equals("simec")) {
                        simecVolume[e] = hv;
                    } else {
                        double r = hv / simecVolume[e];
                        c.put("hypervolume_ratio_to_simec", Double.isFinite(r) ? r : null);
                        ratio = Double.isFinite(r) ? String.format(Locale.ROOT, "%.3g×", r) : "–";
                    }
                    cells.add(c);
                    table.append(String.format(Locale.ROOT, "%-9s %-7s %4s %5d  %-22s %-22s %-11s %s%n", variant, algo,
                            Chart.format(eta), of.size(),
                            String.format(Locale.ROOT, "%.3g (%.3g)", rk, paperRanking(algo, eta)),
                            String.format(Locale.ROOT, "%.3g (%.3g)", num(c, "mean_input_difference"),
                                    paperDifference(algo)),
                            String.format(Locale.ROOT, "%.3g", hv), ratio));
                    rows.add(Arrays.asList(variant, algo, eta, c.get("inputs"), c.get("repeats"), iterations, of.size(),
                            rk, num(c, "full_ranking_changes_per_1000"), num(c, "mean_input_difference"),
                            num(c, "mean_embedding_difference"), hv,
                            c.getOrDefault("hypervolume_ratio_to_simec", ""), num(c, "start_class_kept"),
                            paperRanking(algo, eta), paperDifference(algo)));
                    double[] mean = meanCurve(of);
                    if (mean.length > 0) {
                        double[] x = new double[mean.length];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = i * SNAPSHOT_EVERY;
                        }
                        curves.add(new Chart.Series(variant + " " + label(algo, eta), x, mean, null, null,
                                Chart.PALETTE[col], variant.equals("authors")));
                    }
                }
            }
        }
        List<String> categories = new ArrayList<>();
        double[] paperRanking = new double[ALGORITHMS.size() * ETAS.size()];
        for (int a = 0; a < ALGORITHMS.size(); a++) {
            for (int e = 0; e < ETAS.size(); e++) {
                categories.add(label(ALGORITHMS.get(a), ETAS.get(e)));
                paperRanking[a * ETAS.size() + e] = paperRanking(ALGORITHMS.get(a), ETAS.get(e));
            }
        }
        Chart rankingChart = Chart.bars("ranking-changes", "Class-ranking changes per 1,000 iterations (log scale; "
                + "zero bars are not drawn)", "changes per 1000 iterations", categories, true);
        Chart volumeChart = Chart.bars("hypervolume", "Hypervolume explored (top-3 PCA box of the snapshots, log "
                + "scale)", "hypervolume", categories, true);
        for (int v = 0; v < VARIANTS.size(); v++) {
            rankingChart.add(new Chart.Series(VARIANTS.get(v), null, ranking[v], null, null, Chart.PALETTE[v * 2], false));
            volumeChart.add(new Chart.Series(VARIANTS.get(v), null, volume[v], null, null, Chart.PALETTE[v * 2], false));
        }
        rankingChart.reference("paper (MNIST)", paperRanking);
        List<String> header = List.of("variant", "algorithm", "eta", "inputs", "repeats", "iterations", "runs",
                "ranking_changes_per_1000", "full_ranking_changes_per_1000", "mean_input_difference",
                "mean_embedding_difference", "hypervolume",
                "hypervolume_ratio_to_simec", "start_class_kept", "paper_ranking_changes_per_1000",
                "paper_mean_input_difference");
        return new Summary(cells, paper(), Json.object(), table.toString(), findings(cells), header, rows,
                List.of(rankingChart, curves, volumeChart), List.of());
    }

    private Map<String, Object> cell(String variant, String algo, double eta, List<Map<String, Object>> of) {
        Set<Object> ins = new LinkedHashSet<>();
        Set<Object> reps = new LinkedHashSet<>();
        double rk = 0;
        double full = 0;
        double diff = 0;
        double ediff = 0;
        double hv = 0;
        double kept = 0;
        int failed = 0;
        double[] volumes = new double[of.size()];
        for (int i = 0; i < of.size(); i++) {
            Map<String, Object> r = of.get(i);
            ins.add(r.get("input"));
            reps.add(r.get("repeat"));
            double done = Math.max(1, num(r, "iterations_done"));
            rk += num(r, "ranking_changes") * 1000 / done;
            full += num(r, "full_ranking_changes") * 1000 / done;
            diff += num(r, "mean_input_difference");
            ediff += num(r, "mean_embedding_difference");
            hv += num(r, "hypervolume");
            volumes[i] = num(r, "hypervolume");
            kept += num(r, "final_prediction") == num(r, "start_class") ? 1 : 0;
            failed += r.containsKey("failed") ? 1 : 0;
        }
        int m = Math.max(1, of.size());
        Arrays.sort(volumes);
        Map<String, Object> c = Json.of("algorithm", algo, "eta", eta, "variant", variant, "inputs", ins.size(),
                "repeats", reps.size(), "iterations", iterations, "runs", of.size(), "failed_runs", failed,
                "ranking_changes_per_1000", of.isEmpty() ? Double.NaN : rk / m,
                "full_ranking_changes_per_1000", of.isEmpty() ? Double.NaN : full / m,
                "mean_input_difference", of.isEmpty() ? Double.NaN : diff / m,
                "mean_embedding_difference", of.isEmpty() ? Double.NaN : ediff / m,
                "hypervolume", of.isEmpty() ? Double.NaN : hv / m,
                "hypervolume_median", of.isEmpty() ? Double.NaN : volumes[volumes.length / 2],
                "start_class_kept", of.isEmpty() ? Double.NaN : kept / m,
                "paper_ranking_changes_per_1000", paperRanking(algo, eta),
                "paper_mean_input_difference", paperDifference(algo));
        return c;
    }

    private static double[] meanCurve(List<Map<String, Object>> of) {
        int len = Integer.MAX_VALUE;
        for (Map<String, Object> r : of) {
            len = Math.min(len, ((List<?>) r.get("start_class_probability")).size());
        }
        if (of.isEmpty() || len == 0) {
            return new double[0];
        }
        double[] mean = new double[len];
        for (Map<String, Object> r : of) {
            List<?> l = (List<?>) r.get("start_class_probability");
            for (int i = 0; i < len; i++) {
                mean[i] += ((Number) l.get(i)).doubleValue() / of.size();
            }
        }
        return mean;
    }

    private static String label(String algo, double eta) {
        return (algo.equals("simec") ? "SiMEC" : "SiMExp") + " η=" + Chart.format(eta);
    }

    private static double num(Map<String, Object> o, String key) {
        Object v = o.get(key);
        return v instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    /** How the rows compare with the paper and with each other, in sentences. */
    private static List<String> findings(List<Map<String, Object>> cells) {
        List<String> out = new ArrayList<>();
        for (String variant : VARIANTS) {
            double[] rk = new double[4];
            double[] diff = new double[4];
            Double[] ratio = new Double[2];
            int i = 0;
            for (Map<String, Object> c : cells) {
                if (!variant.equals(c.get("variant"))) {
                    continue;
                }
                rk[i] = num(c, "ranking_changes_per_1000");
                diff[i] = num(c, "mean_input_difference");
                if (c.get("hypervolume_ratio_to_simec") instanceof Number r) {
                    ratio[i - 2] = r.doubleValue();
                }
                i++;
            }
            String who = variant.equals("authors") ? "The authors' algorithm (per-token blocks, uncorrected)"
                    : "Leafwalk's algorithm (exact global spectrum, SiMEC corrected)";
            out.add(String.format(Locale.ROOT, "%s: SiMEC changes the class %.3g and %.3g times per 1,000 iterations "
                            + "at η = 1 and 10 (paper 0.03, 0.07), SiMExp %.3g and %.3g (paper 1.31, 11.91). The mean "
                            + "input difference between iterations is %.3g for SiMEC and %.3g for SiMExp at η = 1 "
                            + "(%.3g and %.3g at η = 10; paper 2.2e-3 and 83.0e-3). SiMExp explores %s and %s the "
                            + "hypervolume of SiMEC at η = 1 and 10 (paper 28–158×).",
                    who, rk[0], rk[1], rk[2], rk[3], diff[0], diff[2], diff[1], diff[3], times(ratio[0]),
                    times(ratio[1])));
        }
        double a = 0;
        double l = 0;
        for (Map<String, Object> c : cells) {
            if (c.get("algorithm").equals("simec")) {
                if (c.get("variant").equals("authors")) {
                    a += num(c, "ranking_changes_per_1000");
                } else {
                    l += num(c, "ranking_changes_per_1000");
                }
            }
        }
        out.add(String.format(Locale.ROOT, "How Leafwalk's rows differ: its SiMEC steps along the exact null space of the "
                + "global G and is retracted onto the level set, so it changes the class %s (%.3g against the "
                + "authors' %.3g changes per 1,000 iterations, summed over η); its SiMExp steps along one eigenvector "
                + "of the global G at a time instead of moving every token along its own block's, so its steps and "
                + "class changes differ in size from the authors'.", l < a ? "less often" : l == a ? "as often"
                : "more often", l, a));
        return out;
    }

    private static String times(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.3g×", r);
    }
}
