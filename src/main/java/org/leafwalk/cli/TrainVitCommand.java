package org.leafwalk.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.io.Idx;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.OutputPlan;
import org.leafwalk.io.LabeledImages;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.model.VitCheckpoints;
import org.leafwalk.model.VitConfig;
import org.leafwalk.model.VitParameters;
import org.leafwalk.model.VitTrainer;
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

    @Option(names = "--force", description = "Replace the model already in --out.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Explorer.Offline.ensure();
        if (epochs < 1 || batchSize < 1 || trainLimit < 0 || shift < 0) {
            throw new IllegalArgumentException("--epochs and --batch-size must be ≥ 1, --train-limit and --shift ≥ 0 "
                    + "(got " + epochs + ", " + batchSize + ", " + trainLimit + ", " + shift + ")");
        }
        if (!(lr > 0) || !Double.isFinite(lr) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("--lr must be > 0 and --weight-decay ≥ 0 (got " + lr + ", "
                    + weightDecay + ")");
        }
        if (patchSize < 1 || hidden < 1 || layers < 1 || heads < 1 || mlp < 1) {
            throw new IllegalArgumentException("--patch-size, --hidden, --layers, --heads and --mlp must be ≥ 1");
        }
        ModelFolders.refuseExisting(out, force, "--out");
        new OutputPlan().input("data folder", data).output("--out", out.resolve("model.safetensors"))
                .output("--out", out.resolve("config.json")).output("--out", out.resolve("training.json"))
                .output("--out", out.resolve("preprocessor_config.json")).check();
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
            throw new IllegalArgumentException("--labels names " + labelNames.size() + " classes, the data has "
                    + classes);
        }
        double[] stats = meanStd(train);
        var shape = new VitCheckpoints.Shape(train.rows(), patchSize, 1, hidden, layers, heads, mlp, classes);
        if (train.rows() != train.cols() || train.rows() % patchSize != 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("image " + train.rows() + "×" + train.cols() + ", patch " + patchSize
                    + ", hidden " + hidden + ", heads " + heads + " do not fit together");
        }
        VitConfig config = VitConfig.of(shape, labels, new double[] {stats[0]}, new double[] {stats[1]});
        var options = new VitTrainer.Options(epochs, batchSize, lr, weightDecay, 1, shift, seed);
        long start = System.nanoTime();
        List<VitTrainer.EpochResult> history;
        double testAccuracy;
        int[][] confusion;
        try (NDManager m = NDManager.newBaseManager(Explorer.Offline.device(common.device))) {
            VitParameters params = VitTrainer.initialize(config, m, seed);
            VitTrainer trainer = new VitTrainer(params, options);
            try (ProgressBar bar = new ProgressBar(epochs)) {
                history = trainer.train(train, test, bar);
            }
            confusion = VitTrainer.confusion(params, test);
            testAccuracy = VitTrainer.accuracy(confusion);
            Files.createDirectories(out);
            SafeTensors.write(out.resolve("model.safetensors"), params.toTensors());
            config.write(out);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> record = Json.object();
        record.put("dataset", datasetName);
        record.put("data_files", dataFiles());
        record.put("train_images", train.count());
        record.put("test_images", test.count());
        record.put("seed", seed);
        record.put("epochs", epochs);
        record.put("batch_size", batchSize);
        record.put("optimizer", "AdamW (beta 0.9, 0.999), decoupled weight decay " + weightDecay
                + " on matrices, 1 warm-up epoch then cosine decay");
        record.put("peak_learning_rate", lr);
        record.put("augmentation", shift == 0 ? "none" : "random shifts of up to " + shift + " pixels");
        record.put("architecture", Map.of("image_size", train.rows(), "patch_size", patchSize, "tokens",
                config.numTokens(), "hidden_size", hidden, "layers", layers, "heads", heads, "mlp", mlp));
        record.put("normalization", Map.of("mean", stats[0], "std", stats[1]));
        record.put("training_seconds", seconds);
        record.put("test_accuracy", testAccuracy);
        record.put("confusion", confusion);
        List<Map<String, Object>> epochsOut = new ArrayList<>();
        for (VitTrainer.EpochResult r : history) {
            epochsOut.add(Map.of("epoch", r.epoch(), "train_loss", r.trainLoss(), "train_accuracy",
                    r.trainAccuracy(), "test_accuracy", r.testAccuracy(), "seconds", r.seconds()));
        }
        record.put("history", epochsOut);
        if (samples != null) {
            record.put("samples", samples);
        }
        record.put("tool", "leafwalk train-vit");
        JsonFiles.write(out.resolve("training.json"), record);
        if (common.json) {
            System.out.println(JsonFiles.toJson(record));
        } else {
            System.out.printf("test accuracy %.2f%% after %d epochs (%.0f s); model written to %s%n",
                    100 * testAccuracy, epochs, seconds, out);
        }
        return 0;
    }

    private Map<String, String> dataFiles() throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var s = Files.list(data)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains("ubyte"))
                    .toList()) {
                files.put(p.getFileName().toString(), sha256(p));
            }
        }
        return files;
    }

    private static String sha256(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /** Training progress through {@link Progress}: every batch of every epoch, with loss and accuracy. */
    static final class ProgressBar implements VitTrainer.Listener, AutoCloseable {
        private final int epochs;
        private Progress bar;

        ProgressBar(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void batch(int epoch, int batch, int batches, double loss, double accuracy, double elapsed,
                double remaining) {
            if (bar == null) {
                bar = Progress.start("train", (long) epochs * batches, "batches");
            }
            bar.stepTo((long) (epoch - 1) * batches + batch);
            bar.message(String.format(java.util.Locale.ROOT, "epoch %d/%d loss %.4f acc %.2f%%", epoch, epochs, loss,
                    100 * accuracy));
        }

        @Override
        public void epoch(VitTrainer.EpochResult r) {
            System.err.printf("%nepoch %d/%d: train loss %.4f, train acc %.2f%%, test acc %.2f%% (%.0f s)%n",
                    r.epoch(), epochs, r.trainLoss(), 100 * r.trainAccuracy(), 100 * r.testAccuracy(), r.seconds());
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
