package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Readout;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Spectrum;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.EmbeddingDecoding;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Classify an input and print the non-zero spectrum of the pullback metric G = Jᵀ M J.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ExploreOptions explore;

    @Mixin
    InputOption inputOption;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        InputSpace space = explore.inputSpace();
        try (Explorer ex = Explorer.open(explore.model(), common.device)) {
            Path input = inputOption.resolve(explore.model());
            ImageInput image = ex.loadImage(input);
            double[] start = ex.startPoint(image, space);
            Walker w = ex.walker(space, explore.settings(), start, false);
            Linearization lin = w.current();
            Spectrum s = lin.spectrum();
            Readout r = ex.readout(lin.output());
            Map<String, Object> o = Json.object();
            o.put("model", explore.model().toString());
            o.put("input", input.toString());
            o.put("notes", image.notes());
            o.put("device", ex.deviceName());
            o.put("space", space.id());
            o.put("metric", explore.outputMetric().id());
            o.put("selected_outputs", Arrays.stream(w.spec().columns()).boxed().toList());
            o.put("logits", Json.list(r.logits()));
            o.put("probabilities", Json.list(r.probabilities()));
            o.put("prediction", Json.prediction(r));
            o.put("dimension", s.dimension());
            o.put("rank", s.rank());
            o.put("null_dimension", s.dimension() - s.rank());
            o.put("tau", s.tau());
            o.put("eigenvalues", Json.list(s.nonzeroEigenvalues()));
            o.put("gram_eigenvalues", Json.list(s.eigenvalues()));
            if (space == InputSpace.EMBEDDINGS) {
                EmbeddingDecoding dec = ex.decode(start);
                Map<String, Object> d = Json.object();
                d.put("relative_residual", dec.relativeResidual());
                d.put("residual_norm", dec.residualNorm());
                d.put("cls_deviation", dec.clsDeviation());
                o.put("decoding", d);
            }
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            if (common.json) {
                System.out.println(JsonFiles.toJson(o));
            } else {
                printHuman(r, s, image.notes(), ex.config().labels());
            }
        }
        return 0;
    }

    private void printHuman(Readout r, Spectrum s, List<String> notes, List<String> labels) {
        for (String n : notes) {
            System.out.println("note: " + n);
        }
        System.out.printf("prediction: %s (p = %.4f)%n", r.label(), r.probabilities()[r.prediction()]);
        System.out.print("probabilities:");
        for (int i = 0; i < labels.size(); i++) {
            System.out.printf(" %s=%.4f", labels.get(i), r.probabilities()[i]);
        }
        System.out.println();
        System.out.printf("input dimension n = %d, rank G = %d, null space dimension = %d%n", s.dimension(),
                s.rank(), s.dimension() - s.rank());
        System.out.print("eigenvalues:");
        for (double v : s.nonzeroEigenvalues()) {
            System.out.printf(" %.4g", v);
        }
        System.out.println();
    }
}
