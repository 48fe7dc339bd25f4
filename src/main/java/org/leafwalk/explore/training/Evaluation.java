package org.leafwalk.explore.training;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.io.Idx;
import org.leafwalk.io.LabeledImages;
import org.leafwalk.model.VitModel;
import org.leafwalk.model.VitTrainer;

/** Accuracy and confusion matrix [true][predicted] of a model on an IDX data split. */
public record Evaluation(int count, int correct, List<String> labels, int[][] confusion, double seconds) {

    public double accuracy() {
        return count == 0 ? 0 : (double) correct / count;
    }

    public double[] perClassAccuracy() {
        double[] a = new double[confusion.length];
        for (int i = 0; i < a.length; i++) {
            int total = 0;
            for (int v : confusion[i]) {
                total += v;
            }
            a[i] = total == 0 ? Double.NaN : (double) confusion[i][i] / total;
        }
        return a;
    }

    public static Evaluation run(Path modelDir, Path dataDir, String split, String device) {
        return run(modelDir, dataDir, split, device, (d, t) -> { });
    }

    /** Told how many of the split's images have been classified so far. */
    @FunctionalInterface
    public interface Progress {
        void done(int images, int total);
    }

    public static Evaluation run(Path modelDir, Path dataDir, String split, String device, Progress progress) {
        EngineSetup.ensure();
        long t0 = System.nanoTime();
        LabeledImages data = Idx.readSplit(dataDir, split);
        try (VitModel m = VitModel.load(modelDir, EngineSetup.device(device), DataType.FLOAT32)) {
            int[][] c = VitTrainer.confusion(m.parameters(), data, progress::done);
            return new Evaluation(data.count(), VitTrainer.correct(c), m.config().labels(), c, (System.nanoTime() - t0) / 1e9);
        }
    }
}
