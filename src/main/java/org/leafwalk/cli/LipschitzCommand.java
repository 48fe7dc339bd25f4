package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.LipschitzExport;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Lipschitz;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.InputSpace;
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

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the curves as CSV (one row per direction and ε).")
    Path csv;

    @Override
    public Integer call() {
        if (eigen < 0 || nulls < 0 || random < 0 || eigen + nulls + random == 0) {
            throw new IllegalArgumentException("ask for at least one direction (--eigen, --nulls, --random ≥ 0)");
        }
        var dtype = precisionOption.dataType();
        options.plan().output("--csv", csv).check();
        long t0 = System.nanoTime();
        var device = Explorer.Offline.device(common.device);
        try (Subject subject = Subject.open(Explorer.open(options.explore.model(), device, dtype), options,
                options.explore.topK)) {
            InputSpace space = subject.space;
            DifferentiableMap f = subject.map();
            double[] x = subject.start();
            WalkSettings ws = options.explore.settings();
            OutputSpec spec = OutputSpec.choose(ws.metric(), Linearization.evaluate(f, x), f.logitCount(), ws.topK());
            Linearization lin = Linearization.at(f, spec, x, ws.tau());
            List<Lipschitz.Curve> found = Lipschitz.estimate(f, lin, spec, eigen, nulls, random, seed,
                    Lipschitz.DEFAULT_EPSILONS);
            if (csv != null) {
                LipschitzExport.writeCsv(csv, found);
            }
            record Est(InputSpace space, int layer, int rank, int dimension, List<Lipschitz.Curve> curves) {}
            Est est = new Est(space, subject.layer <= 0 ? -1 : subject.layer, lin.spectrum().rank(), x.length, found);
            Map<String, Object> o = Json.object();
            o.put("model", options.explore.model().toString());
            o.put("input", options.input.ref);
            o.put("space", est.space().id());
            o.put("metric", options.explore.outputMetric().id());
            if (est.layer() > 0) {
                o.put("layer", est.layer());
            }
            o.put("precision", precisionOption.precision);
            o.put("rank", est.rank());
            o.put("dimension", est.dimension());
            List<Map<String, Object>> curves = new ArrayList<>();
            for (Lipschitz.Curve c : est.curves()) {
                Map<String, Object> m = Json.object();
                m.put("kind", c.kind().id());
                m.put("index", c.index());
                m.put("sqrt_rayleigh", c.rayleigh());
                m.put("epsilons", Json.list(c.epsilons()));
                m.put("ratios", Json.list(c.ratios()));
                curves.add(m);
            }
            o.put("curves", curves);
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            if (common.json) {
                System.out.println(JsonFiles.toJson(o));
            } else {
                System.out.print("direction      ");
                for (double e : Lipschitz.DEFAULT_EPSILONS) {
                    System.out.printf(" ε=%-8.0e", e);
                }
                System.out.println();
                for (Lipschitz.Curve c : est.curves()) {
                    System.out.printf("%-6s %-7d", c.kind().id(), c.index());
                    for (double r : c.ratios()) {
                        System.out.printf(" %-10.3e", r);
                    }
                    System.out.println();
                }
                if (csv != null) {
                    System.out.println("written to " + csv);
                }
            }
        }
        return 0;
    }
}
