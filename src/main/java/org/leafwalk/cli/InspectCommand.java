package org.leafwalk.cli;

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
import org.leafwalk.model.BertConfig;
import org.leafwalk.model.TextDecoding;
import org.leafwalk.model.TextTask;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Classify an input and print the non-zero spectrum of the pullback metric G = Jᵀ M J.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SubjectOptions options;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        try (Subject subject = Subject.open(Explorer.open(options.explore.model(), common.device), options,
                options.explore.topK)) {
            Explorer ex = subject.ex;
            TextTask task = subject.task;
            InputSpace space = subject.space;
            double[] start = subject.start();
            Walker w = subject.walker(options.explore.settings(), start, false);
            Linearization lin = w.current();
            Spectrum s = lin.spectrum();
            Readout r = subject.readout(lin.output());
            List<String> notes = subject.notes();
            Map<String, Object> o = Json.object();
            o.put("model", options.explore.model().toString());
            o.put("input", subject.inputName());
            o.put("notes", notes);
            if (task != null) {
                BertConfig c = ex.textModel().config();
                o.put("architecture", Map.of("layers", c.numLayers(), "hidden_size", c.hiddenSize(), "heads",
                        c.numHeads(), "intermediate_size", c.intermediateSize(), "vocabulary", c.vocabSize(),
                        "head", ex.textModel().head().name().toLowerCase(java.util.Locale.ROOT)));
                o.put("task", task.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                o.put("labels", task.labels());
                o.put("tokens", List.of(task.input().tokens()));
                o.put("explored_positions", Arrays.stream(task.selected()).boxed().toList());
            }
            o.put("device", ex.deviceName());
            o.put("space", space.id());
            o.put("metric", options.explore.outputMetric().id());
            if (subject.layer > 0) {
                o.put("layer", subject.layer);
            }
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
            if (task != null) {
                TextDecoding dec = task.decode(start);
                Map<String, Object> d = Json.object();
                d.put("nearest_tokens", List.of(dec.nearest()));
                d.put("residuals", Json.list(dec.residual()));
                d.put("text", dec.decodedText());
                o.put("decoding", d);
            } else if (space == InputSpace.EMBEDDINGS) {
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
                if (task != null) {
                    System.out.println("tokens: " + String.join(" ", task.input().tokens()) + "  ("
                            + task.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
                }
                printHuman(r, s, notes, subject.labels());
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
