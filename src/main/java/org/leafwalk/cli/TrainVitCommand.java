package org.leafwalk.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.training.Training;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-vit", mixinStandardHelpOptions = true,
        description = "Train a ViT classifier on an MNIST-format data set (IDX files) on the CPU and write it as a "
                + "Hugging Face folder with a training record.")
final class TrainVitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder with train-/t10k- images and labels (IDX, optionally .gz).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write.")
    Path out;

    @Option(names = "--epochs", defaultValue = "15") int epochs;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--batch-size", defaultValue = "128") int batchSize;
    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate of AdamW.") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.05") double weightDecay;
    @Option(names = "--shift", defaultValue = "2", description = "Random shift augmentation, pixels.") int shift;
    @Option(names = "--patch-size", defaultValue = "4") int patchSize;
    @Option(names = "--hidden", defaultValue = "48") int hidden;
    @Option(names = "--layers", defaultValue = "4") int layers;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--mlp", defaultValue = "192") int mlp;
    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0: all).")
    int trainLimit;

    @Option(names = "--labels", split = ",", paramLabel = "NAME",
            description = "Class names in label order (default: the label numbers).")
    List<String> labelNames;

    @Option(names = "--dataset-name", defaultValue = "MNIST", description = "Recorded in training.json.")
    String datasetName;

    @Option(names = "--samples", paramLabel = "PATH",
            description = "Samples folder, relative to the model folder, recorded in training.json.")
    String samples;

    @Option(names = "--force", description = "Replace the model folder already at --out, as a whole.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (epochs < 1 || batchSize < 1 || trainLimit < 0 || shift < 0) {
            throw new InvalidOption("--epochs and --batch-size must be ≥ 1, --train-limit and --shift ≥ 0 "
                    + "(got " + epochs + ", " + batchSize + ", " + trainLimit + ", " + shift + ")");
        }
        if (!(lr > 0) || !Double.isFinite(lr) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new InvalidOption("--lr must be > 0 and --weight-decay ≥ 0 (got " + lr + ", "
                    + weightDecay + ")");
        }
        if (patchSize < 1 || hidden < 1 || layers < 1 || heads < 1 || mlp < 1) {
            throw new InvalidOption("--patch-size, --hidden, --layers, --heads and --mlp must be ≥ 1");
        }
        Training.plan(data, out).check();
        Map<String, Object> record;
        try (ProgressBar bar = new ProgressBar(epochs)) {
            record = Training.train(new Training.Spec(data, out, force, epochs, seed, batchSize, lr, weightDecay,
                    shift, patchSize, hidden, layers, heads, mlp, trainLimit, labelNames, datasetName, samples),
                    common.device, bar);
        }
        if (common.json) {
            System.out.println(Json.text(record));
        } else {
            System.out.printf("test accuracy %.2f%% after %d epochs (%.0f s); model written to %s%n",
                    100 * (double) record.get("test_accuracy"), epochs, (double) record.get("training_seconds"),
                    out);
        }
        return 0;
    }

    /** Training progress through {@link Progress}: every batch of every epoch, with loss and accuracy. */
    static final class ProgressBar implements Training.Listener, AutoCloseable {
        private final int epochs;
        private Progress bar;

        ProgressBar(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void batch(int epoch, int batch, int batches, double loss, double accuracy) {
            if (bar == null) {
                bar = Progress.start("train", (long) epochs * batches, "batches");
            }
            bar.stepTo((long) (epoch - 1) * batches + batch);
            bar.message(String.format(java.util.Locale.ROOT, "epoch %d/%d loss %.4f acc %.2f%%", epoch, epochs, loss,
                    100 * accuracy));
        }

        @Override
        public void epoch(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds) {
            System.err.printf("%nepoch %d/%d: train loss %.4f, train acc %.2f%%, test acc %.2f%% (%.0f s)%n",
                    epoch, epochs, trainLoss, 100 * trainAccuracy, 100 * testAccuracy, seconds);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
