package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.training.Evaluation;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.InputSpace;

/**
 * The models shipped in assets/ are what their training records say: evaluated here on the full 10,000-image test
 * sets (fetched by src/scripts/prepare-tests.sh), small, and their shipped samples resolve and classify.
 */
class ShippedModelsTest {
    static Path dataRoot() {
        String prop = System.getProperty("leafwalk.data");
        String env = System.getenv("LEAFWALK_DATA");
        Path root = prop != null ? Path.of(prop)
                : env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache/leafwalk/data");
        return root;
    }

    @ParameterizedTest
    @CsvSource({"default,mnist,0.976", "fashion,fashion-mnist,0.87", "mnist-paper,mnist,0.976"})
    void reachesItsAccuracyOnTheWholeTestSet(String ref, String dataset, double floor) {
        Path data = dataRoot().resolve(dataset);
        assertTrue(Files.isDirectory(data), data + " is missing: run src/scripts/prepare-tests.sh first");
        Path model = References.model(ref);
        Evaluation e = Evaluation.run(model, data, "t10k", "cpu");
        assertEquals(10_000, e.count());
        assertTrue(e.accuracy() >= floor, ref + ": test accuracy " + e.accuracy() + " is below " + floor);
        JsonObject record = JsonFiles.readObject(model.resolve("training.json"));
        assertEquals(record.get("test_accuracy").getAsDouble(), e.accuracy(), 1e-9,
                "training.json reports the accuracy the shipped weights reach");
    }

    @ParameterizedTest
    @CsvSource({"default,10,19", "fashion,10,17", "mnist-paper,10,19"})
    void weightsAreSmallAndSamplesResolveAndClassify(String ref, int classes, int minCorrect) throws Exception {
        Path model = References.model(ref);
        assertTrue(Files.size(model.resolve("model.safetensors")) < 5_000_000, "weights under 5 MB");
        List<Path> samples = References.samples(model);
        assertEquals(2 * classes, samples.size());
        int correct = 0;
        try (Explorer ex = Explorer.open(model, "cpu")) {
            for (int i = 0; i < samples.size(); i++) {
                Path p = References.input("sample:" + i, model);
                int label = Integer.parseInt(p.getFileName().toString().split("-")[0]);
                assertEquals(i / 2, label, "samples sort by label, two per class");
                var w = ex.walker(InputSpace.PIXELS, Settings.DEFAULTS.walkSettings(),
                        ex.startPoint(ex.loadImage(p), InputSpace.PIXELS), false);
                if (ex.readout(w.current().output()).prediction() == label) {
                    correct++;
                }
            }
        }
        // the samples are the first two test images of each class, as they come: right about as often as the test set
        assertTrue(correct >= minCorrect, ref + ": only " + correct + " of the samples classified right");
    }
}
