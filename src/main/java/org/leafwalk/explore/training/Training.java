package org.leafwalk.explore.training;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.io.Idx;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.LabeledImages;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Sha256;
import org.leafwalk.io.StagedFolder;
import org.leafwalk.model.VitCheckpoints;
import org.leafwalk.model.VitConfig;
import org.leafwalk.model.VitParameters;
import org.leafwalk.model.VitTrainer;

/**
 * Trains a ViT classifier on an MNIST-format data set (IDX files) and writes it as a Hugging Face folder with a
 * training record (training.json): what train-vit does.
 */
public final class Training {
    private Training() {}

    /**
     * What to train on and how; {@code labelNames}, {@code samples} may be null; {@code force}: replace the model
     * folder already at {@code out}.
     */
    public record Spec(Path data, Path out, boolean force, int epochs, long seed, int batchSize, double lr, double weightDecay,
            int shift, int patchSize, int hidden, int layers, int heads, int mlp, int trainLimit,
            List<String> labelNames, String datasetName, String samples) {}

    /** Told of every batch and every epoch. */
    public interface Listener {
        void batch(int epoch, int batch, int batches, double loss, double accuracy);

        void epoch(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds);
    }

    /**
     * What a run reads ({@code data}) against the folder it writes: never the data folder or a folder inside it.
     * The model folder itself is written as a whole (a new folder put in place of the old one), so what the old
     * one held, read-only files included, is replaced with it.
     */
    public static OutputPlan plan(Path data, Path out) {
        return new OutputPlan().input("data folder", data).output("--out", out.resolve("config.json")).force(true);
    }

    /**
     * Trains, writes the model and its record, and returns the record. The model folder is written as a whole when
     * training has ended (the new files and nothing else); a run that fails or is stopped leaves it as it was.
     */
    public static Map<String, Object> train(Spec spec, String device, Listener progress) throws IOException {
        EngineSetup.ensure();
        try (StagedFolder folder = StagedFolder.begin(spec.out(), "--out", spec.force())) {
            Map<String, Object> record = train(spec, folder.path(), device, progress);
            folder.commit();
            return record;
        }
    }

    private static Map<String, Object> train(Spec spec, Path out, String device, Listener progress)
            throws IOException {
        Path data = spec.data();
        int epochs = spec.epochs();
        long seed = spec.seed();
        int batchSize = spec.batchSize();
        double lr = spec.lr();
        double weightDecay = spec.weightDecay();
        int shift = spec.shift();
        int patchSize = spec.patchSize();
        int hidden = spec.hidden();
        int layers = spec.layers();
        int heads = spec.heads();
        int mlp = spec.mlp();
        int trainLimit = spec.trainLimit();
        List<String> labelNames = spec.labelNames();
        String datasetName = spec.datasetName();
        String samples = spec.samples();
        VitTrainer.Listener listener = new VitTrainer.Listener() {
            @Override
            public void batch(int epoch, int batch, int batches, double loss, double accuracy, double elapsed,
                    double remaining) {
                progress.batch(epoch, batch, batches, loss, accuracy);
            }

            @Override
            public void epoch(VitTrainer.EpochResult r) {
                progress.epoch(r.epoch(), r.trainLoss(), r.trainAccuracy(), r.testAccuracy(), r.seconds());
            }
        };
        LabeledImages train = Idx.readSplit(data, "train");
        LabeledImages test = Idx.readSplit(data, "t10k");
        if (trainLimit > 0 && trainLimit < train.count()) {
            int n = train.pixelsPerImage();
            train = new LabeledImages(trainLimit, train.rows(), train.cols(),
                    Arrays.copyOf(train.pixels(), trainLimit * n), Arrays.copyOf(train.labels(), trainLimit));
        }
        int classes = Math.max(train.maxLabel(), test.maxLabel()) + 1;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            labels.add(labelNames != null && i < labelNames.size() ? labelNames.get(i).trim() : Integer.toString(i));
        }
        if (labelNames != null && labelNames.size() != classes) {
            throw new InvalidInputException("--labels names " + labelNames.size() + " classes, the data has "
                    + classes);
        }
        double[] stats = meanStd(train);
        var shape = new VitCheckpoints.Shape(train.rows(), patchSize, 1, hidden, layers, heads, mlp, classes);
        if (train.rows() != train.cols() || train.rows() % patchSize != 0 || hidden % heads != 0) {
            throw new InvalidInputException("image " + train.rows() + "×" + train.cols() + ", patch " + patchSize
                    + ", hidden " + hidden + ", heads " + heads + " do not fit together");
        }
        VitConfig config = VitConfig.of(shape, labels, new double[] {stats[0]}, new double[] {stats[1]});
        var options = new VitTrainer.Options(epochs, batchSize, lr, weightDecay, 1, shift, seed);
        long start = System.nanoTime();
        List<VitTrainer.EpochResult> history;
        double testAccuracy;
        int[][] confusion;
        try (NDManager m = NDManager.newBaseManager(EngineSetup.device(device))) {
            VitParameters params = VitTrainer.initialize(config, m, seed);
            VitTrainer trainer = new VitTrainer(params, options);
            history = trainer.train(train, test, listener);
            confusion = VitTrainer.confusion(params, test);
            testAccuracy = VitTrainer.accuracy(confusion);
            Files.createDirectories(out);
            SafeTensors.write(out.resolve("model.safetensors"), params.toTensors());
            config.write(out);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> record = Json.object();
        record.put("dataset", datasetName);
        record.put("data_files", dataFiles(data));
        record.put("train_images", train.count());
        record.put("test_images", test.count());
        record.put("seed", seed);
        record.put("epochs", epochs);
        record.put("batch_size", batchSize);
        record.put("optimizer", "AdamW (beta 0.9, 0.999), decoupled weight decay " + weightDecay
                + " on matrices, 1 warm-up epoch then cosine decay");
        record.put("peak_learning_rate", lr);
        record.put("augmentation", shift == 0 ? "none" : "random shifts of up to " + shift + " pixels");
        record.put("architecture", Json.of("image_size", train.rows(), "patch_size", patchSize, "tokens",
                config.numTokens(), "hidden_size", hidden, "layers", layers, "heads", heads, "mlp", mlp));
        record.put("normalization", Json.of("mean", stats[0], "std", stats[1]));
        record.put("training_seconds", seconds);
        record.put("test_accuracy", testAccuracy);
        record.put("confusion", confusion);
        List<Map<String, Object>> epochsOut = new ArrayList<>();
        for (VitTrainer.EpochResult r : history) {
            epochsOut.add(Json.of("epoch", r.epoch(), "train_loss", r.trainLoss(), "train_accuracy",
                    r.trainAccuracy(), "test_accuracy", r.testAccuracy(), "seconds", r.seconds()));
        }
        record.put("history", epochsOut);
        if (samples != null) {
            record.put("samples", samples);
        }
        record.put("tool", "leafwalk train-vit");
        JsonFiles.write(out.resolve("training.json"), record);
        return record;
    }

    private static Map<String, String> dataFiles(Path data) throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var s = Files.list(data)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains("ubyte"))
                    .toList()) {
                files.put(p.getFileName().toString(), Sha256.of(p));
            }
        }
        return files;
    }

    private static double[] meanStd(LabeledImages d) {
        double s = 0;
        double s2 = 0;
        for (byte b : d.pixels()) {
            double v = (b & 0xff) / 255.0;
            s += v;
            s2 += v * v;
        }
        long n = d.pixels().length;
        if (n == 0) {
            throw new InvalidInputException("the training set is empty");
        }
        double mean = s / n;
        return new double[] {mean, Math.sqrt(Math.max(1e-12, s2 / n - mean * mean))};
    }
}
