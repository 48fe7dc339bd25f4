package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.training.Evaluation;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Classify a test set (IDX files) and print the accuracy and the confusion matrix as JSON.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (optionally .gz).")
    Path data;

    @Option(names = "--split", defaultValue = "t10k", description = "t10k (test) or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Override
    public Integer call() {
        Path model = modelOption.path();
        if (!split.equals("t10k") && !split.equals("train")) {
            throw new InvalidOption("--split " + split + ": t10k or train");
        }
        Evaluation e;
        Progress[] progress = new Progress[1];
        try {
            e = Evaluation.run(model, data, split, common.device, (done, total) -> {
                if (progress[0] == null) {
                    progress[0] = Progress.start("eval", total, "images");
                }
                progress[0].stepTo(done);
            });
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
        Map<String, Object> o = Json.object();
        o.put("model", model.toString());
        o.put("data", data.toString());
        o.put("split", split);
        o.put("count", e.count());
        o.put("correct", e.correct());
        o.put("accuracy", e.accuracy());
        o.put("labels", e.labels());
        o.put("per_class_accuracy", Json.list(e.perClassAccuracy()));
        o.put("confusion", e.confusion());
        o.put("seconds", e.seconds());
        // eval prints JSON either way: it is the command's output format
        System.out.println(Json.text(o));
        return 0;
    }
}
