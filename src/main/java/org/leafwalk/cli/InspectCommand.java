package org.leafwalk.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.SpectrumSummary;
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
        Settings settings = options.settings().validate();
        try (Explorer ex = Explorer.open(options.explore.model(), common.device);
                Session session = new Session(options.explore.modelOption.ref, options.explore.model(),
                        options.open(ex, settings), settings)) {
            var subject = session.subject();
            SpectrumSummary s = session.spectrum();
            Readout r = session.readout();
            List<String> notes = subject.notes();
            Map<String, Object> o = Json.object();
            o.put("model", options.explore.model().toString());
            o.put("input", subject.inputReference());
            o.put("notes", notes);
            subject.describe(o, true);
            o.put("device", ex.deviceName());
            o.put("space", subject.space().id());
            o.put("metric", session.settings().metric().id());
            if (subject.layer() > 0) {
                o.put("layer", subject.layer());
            }
            o.put("selected_outputs", Arrays.stream(s.selectedOutputs()).boxed().toList());
            o.put("logits", Json.list(r.logits()));
            o.put("probabilities", Json.list(r.probabilities()));
            o.put("prediction", Json.prediction(r));
            o.put("dimension", s.dimension());
            o.put("rank", s.rank());
            o.put("null_dimension", s.dimension() - s.rank());
            o.put("tau", s.tau());
            o.put("eigenvalues", Json.list(s.eigenvalues()));
            o.put("gram_eigenvalues", Json.list(s.gramEigenvalues()));
            subject.describeDecoding(o, session.trajectory().startPoint(), "decoding", false);
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            if (common.json) {
                System.out.println(Json.text(o));
            } else {
                subject.describeLine().ifPresent(System.out::println);
                printHuman(r, s, notes, subject.labels());
            }
        }
        return 0;
    }

    private void printHuman(Readout r, SpectrumSummary s, List<String> notes, List<String> labels) {
        for (String n : notes) {
            System.out.println("note: " + n);
        }
        if (r.prediction() < 0) {
            System.out.println("prediction: none (no classifier: the representation metric only)");
        } else {
            System.out.printf("prediction: %s (p = %.4f)%n", r.label(), r.confidence());
            System.out.print("probabilities:");
            for (int i = 0; i < labels.size(); i++) {
                System.out.printf(" %s=%.4f", labels.get(i), r.probabilities()[i]);
            }
            System.out.println();
        }
        System.out.printf("input dimension n = %d, rank G = %d, null space dimension = %d%n", s.dimension(),
                s.rank(), s.dimension() - s.rank());
        System.out.print("eigenvalues:");
        for (double v : s.eigenvalues()) {
            System.out.printf(" %.4g", v);
        }
        System.out.println();
    }
}
