package org.leafwalk.explore.experiment;

import static org.leafwalk.explore.experiment.SimecTable.ALGORITHMS;
import static org.leafwalk.explore.experiment.SimecTable.ETAS;
import static org.leafwalk.explore.experiment.SimecTable.SNAPSHOT_EVERY;
import static org.leafwalk.explore.experiment.SimecTable.VARIANTS;
import static org.leafwalk.explore.experiment.SimecTable.label;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Numbers;

/**
 * The SiMEC table from the runs that finished: one row per variant, algorithm and η, beside the paper's values, with
 * the curves of the start class's probability and sentences on how the rows compare.
 */
final class SimecSummary {
    private final int iterations;

    SimecSummary(int iterations) {
        this.iterations = iterations;
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

    Protocol.Summary summarise(List<Map<String, Object>> finished) {
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
                            Numbers.brief(eta), of.size(),
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
        return new Protocol.Summary(cells, paper(), Json.object(), table.toString(), findings(cells), header, rows,
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
