package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.subject.RandomModels;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init-vit", mixinStandardHelpOptions = true,
        description = "Write a ViT with random (seeded) weights in the Hugging Face layout, for benchmarks and tests.")
final class InitVitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
    Path out;

    @Option(names = "--image-size", defaultValue = "28") int imageSize;
    @Option(names = "--patch-size", defaultValue = "2") int patchSize;
    @Option(names = "--channels", defaultValue = "1") int channels;
    @Option(names = "--hidden", defaultValue = "48") int hidden;
    @Option(names = "--layers", defaultValue = "4") int layers;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--mlp", defaultValue = "192") int mlp;
    @Option(names = "--labels", defaultValue = "10", description = "Classes of the classifier (default: "
            + "${DEFAULT-VALUE}); a family without one (vit-backbone, clip-vision) or with label prompts for classes "
            + "(clip-zero-shot) takes none.") int labels;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--family", defaultValue = "vit", paramLabel = "FAMILY", description = "The architecture: vit, "
            + "vit-backbone, deit, deit-teacher, dinov2, dinov2-swiglu, dinov2-registers, beit, beit-shared, clip "
            + "(CLIPForImageClassification), clip-vision (CLIPVisionModelWithProjection), clip-zero-shot (CLIPModel: "
            + "both towers and a word-level tokenizer) (default: ${DEFAULT-VALUE}).")
    String family;

    @Option(names = "--force", description = "Replace the model folder already at --out, as a whole.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (imageSize < 1 || patchSize < 1 || channels < 1 || hidden < 1 || layers < 1 || heads < 1 || mlp < 1
                || labels < 1) {
            throw new InvalidOption("every size of init-vit must be ≥ 1");
        }
        if (!RandomModels.families().contains(family)) {
            throw new InvalidOption("--family " + family + " is not one of "
                    + String.join(", ", RandomModels.families()));
        }
        if (new OptionScope(spec).given("--labels") && !RandomModels.sizedClassifier(family)) {
            throw new InvalidOption("--labels " + labels + ": a " + family + " model has "
                    + (RandomModels.zeroShot(family) ? "label prompts for classes, given when it is walked (--label, "
                    + "or the window's label list; CIFAR-10's by default)"
                    : "no classifier (the representation metric only)")
                    + ", so nothing to size; --labels applies to the families with a classifier");
        }
        int tokens = RandomModels.create(out, force, family, imageSize, patchSize, channels, hidden, layers, heads,
                mlp, labels, seed);
        Map<String, Object> o = Json.object();
        o.put("out", out.toString());
        o.put("family", family);
        o.put("tokens", tokens);
        if (common.json) {
            System.out.println(Json.text(o));
        } else {
            System.out.println("wrote a random " + family + " model to " + out);
        }
        return 0;
    }
}
