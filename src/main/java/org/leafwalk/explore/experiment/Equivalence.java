package org.leafwalk.explore.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.analysis.MatchReport;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Numbers;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Lipschitz;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.model.InputSpace;

/**
 * The second paper's two faces over pairs of test images of different classes, in pixel space on the float64
 * model: representation matching (walk the source to the target's [CLS] representation), the reverse (keep the
 * source's representation while the pixels are pulled toward the target), and directional Lipschitz ratios
 * ‖f(x + εv) − f(x)‖/ε at the source along the top eigendirections, null directions and random directions of G for
 * the representation metric.
 */
final class Equivalence implements Protocol {
    static final String ID = "equivalence";
    static final double TOLERANCE = 1e-3;
    static final double KEEP_STEP = 0.5;
    static final int DIRECTIONS = 3;

    private final List<Inputs.Item> inputs;
    private final List<int[]> pairs;
    private final int budget;
    private final long seed;

    Equivalence(List<Inputs.Item> all, int pairs, int budget, long seed) {
        if (pairs < 1) {
            throw new org.leafwalk.io.InvalidInputException("--pairs must be at least 1, got " + pairs);
        }
        if (budget < 1) {
            throw new org.leafwalk.io.InvalidInputException("--iterations (the match's step budget) must be at least 1");
        }
        this.inputs = List.copyOf(all);
        this.pairs = choose(all, pairs, seed);
        this.budget = budget;
        this.seed = seed;
    }

    /** {@code count} distinct ordered pairs of images of different classes, drawn by the seed. */
    private static List<int[]> choose(List<Inputs.Item> all, int count, long seed) {
        Set<Integer> classes = new HashSet<>();
        all.forEach(i -> classes.add(i.label()));
        if (classes.size() < 2) {
            throw new org.leafwalk.io.InvalidInputException("the equivalence protocol needs test images of at least two classes");
        }
        long possible = 0;
        for (Inputs.Item a : all) {
            for (Inputs.Item b : all) {
                possible += a.label() != b.label() ? 1 : 0;
            }
        }
        if (count > possible) {
            throw new org.leafwalk.io.InvalidInputException("--pairs " + count + ": the inputs make only " + possible
                    + " pairs of different classes");
        }
        Random rng = new Random(seed);
        Set<Long> used = new HashSet<>();
        List<int[]> out = new ArrayList<>();
        while (out.size() < count) {
            int a = rng.nextInt(all.size());
            int b = rng.nextInt(all.size());
            if (all.get(a).label() != all.get(b).label() && used.add((long) a * all.size() + b)) {
                out.add(new int[] {a, b});
            }
        }
        return out;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String precision() {
        return "float64";
    }

    @Override
    public Map<String, Object> settings() {
        List<String> p = pairs.stream().map(x -> inputs.get(x[0]).name() + " -> " + inputs.get(x[1]).name()).toList();
        return Json.of("pairs", p, "step_budget", budget, "tolerance", TOLERANCE, "keep_step", KEEP_STEP,
                "space", "pixels", "metric", "representation ([CLS] after the final layer norm)",
                "epsilons", Json.list(Lipschitz.DEFAULT_EPSILONS), "directions_per_kind", DIRECTIONS, "seed", seed);
    }

    @Override
    public List<Inputs.Item> inputs() {
        return inputs;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            runs.add(new Run(String.format(Locale.ROOT, "pair%02d", i), 2L * budget + 1,
                    Json.of("pair", i, "source", pairs.get(i)[0], "target", pairs.get(i)[1])));
        }
        return runs;
    }

    @Override
    public Map<String, Object> perform(Run run, Explorer model, Work work) {
        Inputs.Item src = inputs.get(((Number) run.params().get("source")).intValue());
        Inputs.Item tgt = inputs.get(((Number) run.params().get("target")).intValue());
        long t0 = System.nanoTime();
        Map<String, Object> o = Json.object();
        o.put("pair", run.params().get("pair"));
        o.put("source", src.name());
        o.put("target", tgt.name());
        o.put("source_label", src.label());
        o.put("target_label", tgt.label());
        Map<String, Object> match = match(model, src, tgt, false, work);
        Map<String, Object> keep = match(model, src, tgt, true, work);
        double d0 = num(match, "initial_distance");
        double d1 = num(match, "final_distance");
        match.put("factor", d0 / d1);
        keep.put("representation_drift", num(keep, "final_distance"));
        keep.put("drift_relative_to_pair_distance", num(keep, "final_distance") / d0);
        keep.put("prediction_kept", index(keep, "final_prediction") == index(keep, "source_prediction"));
        match.put("reached_target_class", index(match, "final_prediction") == index(match, "target_prediction"));
        o.put("match", match);
        o.put("keep", keep);
        o.put("lipschitz", lipschitz(model, src, Experiment.seedOf(seed, run.id())));
        work.done(1);
        o.put("seconds", (System.nanoTime() - t0) / 1e9);
        return o;
    }

    private Map<String, Object> match(Explorer model, Inputs.Item src, Inputs.Item tgt, boolean keep, Work work) {
        Match m = Match.between(model, src.pixels(), tgt.pixels(), 0, keep, KEEP_STEP, budget);
        int steps = 0;
        for (int i = 0; i < budget; i++) {
            Analysis.Match p = m.step(TOLERANCE);
            steps++;
            work.done(1);
            if (p.done()) {
                break;
            }
        }
        work.done(budget - steps);
        Map<String, Object> o = Json.object();
        MatchReport.describe(m, o, 0, src.name(), tgt.name());
        return o;
    }

    private static Map<String, Object> lipschitz(Explorer model, Inputs.Item src, long seed) {
        DifferentiableMap f = model.map(InputSpace.PIXELS);
        double[] x = src.pixels();
        OutputSpec spec = OutputSpec.choose(OutputMetric.REPRESENTATION, Linearization.evaluate(f, x), f.logitCount(),
                0);
        Linearization lin = Linearization.at(f, spec, x, 1e-6);
        Map<String, Object> o = Json.object();
        for (Lipschitz.Kind k : Lipschitz.Kind.values()) {
            o.put(k.id(), new ArrayList<List<Double>>());
        }
        for (Lipschitz.Curve c : Lipschitz.estimate(f, lin, spec, DIRECTIONS, DIRECTIONS, DIRECTIONS, seed,
                Lipschitz.DEFAULT_EPSILONS)) {
            @SuppressWarnings("unchecked")
            List<List<Double>> l = (List<List<Double>>) o.get(c.kind().id());
            l.add(Json.list(c.ratios()));
        }
        o.put("rank", lin.spectrum().rank());
        return o;
    }

    @Override
    public Summary summarise(List<Map<String, Object>> finished) {
        List<Map<String, Object>> cells = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        List<Double> factors = new ArrayList<>();
        List<Double> matchPixels = new ArrayList<>();
        List<Double> keepPixels = new ArrayList<>();
        List<Double> startPixels = new ArrayList<>();
        List<Double> drifts = new ArrayList<>();
        int reached = 0;
        int kept = 0;
        for (Map<String, Object> r : finished) {
            Map<String, Object> m = obj(r, "match");
            Map<String, Object> k = obj(r, "keep");
            Map<String, Object> c = Json.of("pair", r.get("pair"), "source", r.get("source"), "target",
                    r.get("target"),
                    "match_initial_distance", m.get("initial_distance"), "match_final_distance",
                    m.get("final_distance"), "match_factor", m.get("factor"),
                    "match_final_pixel_distance", m.get("final_pixel_distance"),
                    "source_prediction", index(m, "source_prediction"),
                    "target_prediction", index(m, "target_prediction"),
                    "match_prediction", index(m, "final_prediction"),
                    "keep_initial_pixel_distance", k.get("initial_pixel_distance"),
                    "keep_final_pixel_distance", k.get("final_pixel_distance"),
                    "keep_representation_drift", k.get("representation_drift"),
                    "keep_prediction", index(k, "final_prediction"),
                    "keep_prediction_kept", k.get("prediction_kept"));
            cells.add(c);
            rows.add(new ArrayList<>(c.values()));
            factors.add(num(m, "factor"));
            matchPixels.add(num(m, "final_pixel_distance"));
            startPixels.add(num(k, "initial_pixel_distance"));
            keepPixels.add(num(k, "final_pixel_distance"));
            drifts.add(num(k, "representation_drift"));
            reached += Boolean.TRUE.equals(m.get("reached_target_class")) ? 1 : 0;
            kept += Boolean.TRUE.equals(k.get("prediction_kept")) ? 1 : 0;
        }
        List<String> header = cells.isEmpty() ? List.of("pair") : new ArrayList<>(cells.get(0).keySet());
        Map<String, Object> extra = Json.object();
        int n = finished.size();
        extra.put("matching", Json.of("pairs", n, "factor", quartiles(factors),
                "final_pixel_distance", quartiles(matchPixels), "reached_target_class", n == 0 ? 0 : (double) reached / n));
        extra.put("reverse", Json.of("pairs", n, "initial_pixel_distance", quartiles(startPixels),
                "final_pixel_distance", quartiles(keepPixels), "representation_drift", quartiles(drifts),
                "prediction_kept", n == 0 ? 0 : (double) kept / n));
        Chart curves = Chart.lines("lipschitz", "Directional Lipschitz ratios ‖f(x+εv) − f(x)‖/ε at the sources "
                + "(median, quartile band)", "ε", "ratio", true, true);
        Map<String, Object> lip = Json.object();
        int color = 0;
        for (Lipschitz.Kind kind : Lipschitz.Kind.values()) {
            double[] eps = Lipschitz.DEFAULT_EPSILONS;
            double[][] q = new double[3][eps.length];
            List<Map<String, Object>> perEps = new ArrayList<>();
            for (int e = 0; e < eps.length; e++) {
                List<Double> values = new ArrayList<>();
                for (Map<String, Object> r : finished) {
                    for (Object curve : (List<?>) obj(r, "lipschitz").get(kind.id())) {
                        Object v = ((List<?>) curve).get(e);
                        if (v instanceof Number x) {
                            values.add(x.doubleValue());
                        }
                    }
                }
                Map<String, Object> qs = quartiles(values);
                qs.put("epsilon", eps[e]);
                perEps.add(qs);
                q[0][e] = num(qs, "q1");
                q[1][e] = num(qs, "median");
                q[2][e] = num(qs, "q3");
            }
            lip.put(kind.id(), perEps);
            String label = switch (kind) {
                case EIGEN -> "top eigendirections";
                case NULL -> "null directions";
                case RANDOM -> "random directions";
            };
            curves.add(new Chart.Series(label, eps, q[1], q[0], q[2], Chart.PALETTE[color++], false));
        }
        extra.put("lipschitz", lip);
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "representation matching, %d pairs: distance shrinks by a factor %s "
                        + "(median [quartiles]); final pixel distance to the target %s; %d of %d reach the target's "
                        + "class%n", n, q(factors), q(matchPixels), reached, n));
        t.append(String.format(Locale.ROOT, "reverse (keep the representation), %d pairs: pixel distance to the "
                        + "target %s -> %s; representation drift %s; %d of %d keep the source's class%n", n,
                q(startPixels), q(keepPixels), q(drifts), kept, n));
        t.append("Lipschitz ratios (median [q1, q3]):\n");
        t.append(String.format(Locale.ROOT, "  %-8s", "ε"));
        for (double e : Lipschitz.DEFAULT_EPSILONS) {
            t.append(String.format(Locale.ROOT, " %-24s", Numbers.brief(e)));
        }
        t.append('\n');
        for (Lipschitz.Kind kind : Lipschitz.Kind.values()) {
            t.append(String.format(Locale.ROOT, "  %-8s", kind.id()));
            for (Object e : (List<?>) lip.get(kind.id())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> qs = (Map<String, Object>) e;
                t.append(String.format(Locale.ROOT, " %-24s", String.format(Locale.ROOT, "%.3g [%.3g, %.3g]",
                        num(qs, "median"), num(qs, "q1"), num(qs, "q3"))));
            }
            t.append('\n');
        }
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Different images, one representation: walking the source image "
                + "toward the target's representation shrinks the distance by a median factor of %s while the "
                + "image stays %s from the target in pixels; %d of %d end in the target's class.",
                Numbers.brief(num(quartiles(factors), "median")), Numbers.brief(num(quartiles(matchPixels), "median")),
                reached, n));
        findings.add(String.format(Locale.ROOT, "One representation, images that move toward another class: with "
                + "the representation held, the pixel distance to the target falls from a median %s to %s while "
                + "the representation drifts %s; %d of %d keep the source's class.",
                Numbers.brief(num(quartiles(startPixels), "median")), Numbers.brief(num(quartiles(keepPixels), "median")),
                Numbers.brief(num(quartiles(drifts), "median")), kept, n));
        List<String> lipHeader = new ArrayList<>(List.of("direction"));
        for (double e : Lipschitz.DEFAULT_EPSILONS) {
            lipHeader.add("ε = " + Numbers.brief(e));
        }
        List<List<Object>> lipRows = new ArrayList<>();
        for (Lipschitz.Kind kind : Lipschitz.Kind.values()) {
            List<Object> row = new ArrayList<>(List.of(kind.id()));
            for (Object e : (List<?>) lip.get(kind.id())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> qs = (Map<String, Object>) e;
                row.add(String.format(Locale.ROOT, "%.3g [%.3g, %.3g]", num(qs, "median"), num(qs, "q1"),
                        num(qs, "q3")));
            }
            lipRows.add(row);
        }
        List<List<Object>> faces = List.of(
                List.of("matching: distance factor", q(factors)),
                List.of("matching: final pixel distance to the target", q(matchPixels)),
                List.of("matching: pairs ending in the target's class", reached + " of " + n),
                List.of("reverse: pixel distance to the target at the start", q(startPixels)),
                List.of("reverse: pixel distance to the target at the end", q(keepPixels)),
                List.of("reverse: representation drift", q(drifts)),
                List.of("reverse: pairs keeping the source's class", kept + " of " + n));
        return new Summary(cells, null, extra, t.toString(), findings, header, rows, List.of(curves), List.of(
                new Table("The two faces (median [q1, q3] over the pairs)", List.of("measure", "value"), faces),
                new Table("Directional Lipschitz ratios (median [q1, q3] over the sources and directions)", lipHeader,
                        lipRows)));
    }

    private static String q(List<Double> v) {
        Map<String, Object> qs = quartiles(v);
        return String.format(Locale.ROOT, "%.3g [%.3g, %.3g]", num(qs, "median"), num(qs, "q1"), num(qs, "q3"));
    }

    /** Median and quartiles (linear interpolation between order statistics); NaN when empty. */
    static Map<String, Object> quartiles(List<Double> values) {
        double[] v = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).sorted().toArray();
        return Json.of("median", quantile(v, 0.5), "q1", quantile(v, 0.25), "q3", quantile(v, 0.75), "count", v.length);
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> o, String key) {
        return (Map<String, Object>) o.get(key);
    }

    private static double num(Map<String, Object> o, String key) {
        Object v = o.get(key);
        return v instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    private static int index(Map<String, Object> o, String key) {
        Object p = o.get(key);
        if (p instanceof Map<?, ?> m && m.get("index") instanceof Number i) {
            return i.intValue();
        }
        return -1;
    }

}
