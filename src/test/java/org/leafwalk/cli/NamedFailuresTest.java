package org.leafwalk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyBert;
import org.leafwalk.testing.TinyVit;

/**
 * A failure says where it is: a model folder that is a loop of symbolic links says so (not "not found"); a logit
 * scale whose exponential overflows is refused by its tensor; finite weights whose forward pass overflows name the
 * block and stage where the first NaN or Inf appears.
 */
class NamedFailuresTest {
    @TempDir
    Path tmp;

    @Test
    void aSymbolicLinkLoopAsTheModelFolderSaysSo() throws Exception {
        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, loop.getFileName()); // ln -s loop loop
        Cli.assertRefused(Cli.run("inspect", "--model", loop.toString(), "--input", "sample:0"), loop.toString(),
                "too many levels of symbolic links");
        Cli.assertRefused(Cli.run("inspect", "--model", loop.resolve("inner").toString(), "--input", "sample:0"),
                "too many levels of symbolic links");
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("gone"));
        Cli.assertRefused(Cli.run("inspect", "--model", dangling.toString(), "--input", "sample:0"),
                "symbolic link to " + tmp.resolve("gone"), "does not exist");
    }

    @Test
    void aLogitScaleWhoseExponentialOverflowsIsRefusedByName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("clip-hot"));
        Path fixture = Path.of("src/test/resources/fixtures/family-clip-zero-shot");
        for (String f : new String[] {"config.json", "preprocessor_config.json", "tokenizer.json"}) {
            Files.copy(fixture.resolve(f), dir.resolve(f));
        }
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(fixture.resolve("model.safetensors")));
        w.put("logit_scale", new Tensor("logit_scale", new long[0], new float[] {200}));
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        Cli.assertRefused(Cli.run("inspect", "--model", dir.toString(), "--input",
                "src/test/resources/fixtures/rgb12.png"), "model.safetensors", "logit_scale = 200", "exp(logit_scale)",
                "overflows float32");
    }

    /** Block 2's feed-forward weights × 1e20: each is finite, their product is not. */
    @Test
    void finiteWeightsThatOverflowNameTheBlockAndStage() throws Exception {
        Path dir = TinyVit.write(tmp, "vit-hot", TinyVit.small(), 5);
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(file));
        scale(w, "vit.encoder.layer.1.intermediate.dense.weight", 1e20f);
        scale(w, "vit.encoder.layer.1.output.dense.weight", 1e20f);
        SafeTensors.write(file, w);
        Path image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
        Cli.assertRefused(Cli.run("inspect", "--model", dir.toString(), "--input", image.toString()), "NaN or Inf",
                "block 2's MLP's second linear layer", "finite inputs");
    }

    @Test
    void aTextModelsOverflowNamesTheLayerAndStage() throws Exception {
        Path dir = tmp.resolve("bert-hot");
        Map<String, Tensor> w = new LinkedHashMap<>(TinyBert.write(dir, new Random(2), "bert", null));
        scale(w, "bert.encoder.layer.1.attention.self.query.weight", 1e20f);
        scale(w, "bert.encoder.layer.1.attention.self.key.weight", 1e20f);
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        Cli.assertRefused(Cli.run("inspect", "--model", dir.toString(), "--input", "text:the cat sat on the mat"),
                "NaN or Inf", "layer 2's attention scores");
    }

    private static void scale(Map<String, Tensor> w, String name, float by) {
        Tensor t = w.get(name);
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] *= by;
        }
        w.put(name, new Tensor(name, t.shape(), d));
    }
}
