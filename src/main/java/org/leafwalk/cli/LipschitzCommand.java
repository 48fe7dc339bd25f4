package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Estimates;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.explore.export.Figures;
import org.leafwalk.explore.export.LipschitzExport;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "lipschitz", mixinStandardHelpOptions = true,
        description = "Directional Lipschitz estimates at an input: ‖f(x + εv) − f(x)‖ / ε over ε = 1e-4 … 1 along "
                + "the top eigendirections, null directions and random directions of G.")
final class LipschitzCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ForceOption force;

    @Mixin
    SubjectOptions options;

    @Option(names = "--eigen", defaultValue = "3", description = "Top eigendirections (default: ${DEFAULT-VALUE}).")
    int eigen;

    @Option(names = "--nulls", defaultValue = "3", description = "Null directions (default: ${DEFAULT-VALUE}).")
    int nulls;

    @Option(names = "--random", defaultValue = "3", description = "Random directions (default: ${DEFAULT-VALUE}).")
    int random;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the null and random draws.")
    long seed;

    @Mixin
    PrecisionOption precisionOption;

    @Option(names = "--csv", converter = OutputFile.class, paramLabel = "FILE", description = "Write the curves as CSV (one row per direction and ε).")
    Path csv;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write the Lipschitz curves (and, for image models, "
            + "the per-layer spectra) into DIR as lipschitz.png/.svg and layers.png/.svg.")
    Path plots;

    @Override
    public Integer call() {
        if (eigen < 0 || nulls < 0 || random < 0 || eigen + nulls + random == 0) {
            throw new InvalidOption("ask for at least one direction (--eigen, --nulls, --random ≥ 0)");
        }
        String precision = precisionOption.checked();
        Settings settings = options.settings().validate();
        // every file is checked before the estimates start, and written together when they are done
        OutputPlan plan = options.plan(null).force(force.force).output("--csv", csv).check();
        long t0 = System.nanoTime();
        try (Explorer ex = Explorer.open(options.explore.model(), common.device, precision);
                Subject subject = options.open(ex, settings)) {
            Analysis.LipschitzCurves est = Estimates.lipschitz(subject, settings, subject.start(), 0, eigen, nulls,
                    random, seed);
            if (csv != null) {
                plan.stage(csv, LipschitzExport.csv(est.curves()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (plots != null) {
                List<org.leafwalk.explore.export.Chart> charts = new ArrayList<>(List.of(Figures.lipschitz(est)));
                if (subject.layers() > 0) {
                    charts.add(Figures.layers(Estimates.layerSpectra(subject, settings, subject.start(), 0)));
                }
                plan.stageChecked("--plots", Figures.files(plots, charts));
            }
            plan.commit();
            Map<String, Object> o = Json.object();
            o.put("model", options.explore.model().toString());
            o.put("input", options.input.ref);
            o.put("space", subject.space().id());
            o.put("metric", est.metric());
            if (est.layer() > 0) {
                o.put("layer", est.layer());
            }
            o.put("precision", precision);
            o.put("rank", est.rank());
            o.put("dimension", est.dimension());
            List<Map<String, Object>> curves = new ArrayList<>();
            for (Analysis.Curve c : est.curves()) {
                Map<String, Object> m = Json.object();
                m.put("kind", c.family().id());
                m.put("index", c.index());
                m.put("sqrt_rayleigh", c.rayleigh());
                m.put("epsilons", Json.list(c.epsilons()));
                m.put("ratios", Json.list(c.ratios()));
                curves.add(m);
            }
            o.put("curves", curves);
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            if (common.json) {
                System.out.println(Json.text(o));
            } else {
                System.out.print("direction      ");
                for (double e : Estimates.EPSILONS) {
                    System.out.printf(" ε=%-8.0e", e);
                }
                System.out.println();
                for (Analysis.Curve c : est.curves()) {
                    System.out.printf("%-6s %-7d", c.family().id(), c.index());
                    for (double r : c.ratios()) {
                        System.out.printf(" %-10.3e", r);
                    }
                    System.out.println();
                }
                if (csv != null) {
                    System.out.println("written to " + csv);
                }
                if (plots != null) {
                    System.out.println("plots written to " + plots);
                }
            }
        }
        return 0;
    }
}
