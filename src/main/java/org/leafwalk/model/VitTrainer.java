package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.leafwalk.io.LabeledImages;

/**
 * Trains a ViT classifier on 8-bit grayscale images with DJL autograd on the CPU: AdamW with decoupled weight
 * decay on the matrices, linear warm-up then cosine decay, random shifts of up to a few pixels as augmentation.
 * The parameters are trained in place, in the Hugging Face layout, so what is saved is what a user loads.
 */
public final class VitTrainer {
    /**
     * @param maxShift random translation of each training image by up to this many pixels (0: none)
     */
    public record Options(int epochs, int batchSize, double learningRate, double weightDecay, double warmupEpochs,
            int maxShift, long seed) {
        public static Options defaults() {
            return new Options(15, 128, 2e-3, 0.05, 1, 2, 1);
        }
    }

    public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds) {}

    /** Receives progress from the training thread. */
    public interface Listener {
        void batch(int epoch, int batch, int batches, double loss, double accuracy, double elapsedSeconds,
                double remainingSeconds);

        void epoch(EpochResult result);
    }

    private final VitParameters params;
    private final Options options;
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private int updates;

    public VitTrainer(VitParameters params, Options options) {
        this.params = params;
        this.options = options;
        for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
            NDArray p = e.getValue();
            firstMoment.put(e.getKey(), p.zerosLike());
            secondMoment.put(e.getKey(), p.zerosLike());
        }
    }

    /**
     * Initialisation for a small ViT: weights N(0, 1/fan-in) (transformers' fixed 0.02 is tuned for hidden 768 and
     * leaves a hidden-48 model with near-uniform attention that learns slowly), embeddings N(0, 0.02), zero
     * biases, unit norms, a zero classifier so training starts from the uniform prediction.
     */
    public static VitParameters initialize(VitConfig config, NDManager m, long seed) {
        Random rng = new Random(seed);
        Map<String, org.leafwalk.io.Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : VitParameters.shapes(config).entrySet()) {
            String name = e.getKey();
            long count = 1;
            for (long s : e.getValue()) {
                count *= s;
            }
            float[] data = new float[(int) count];
            boolean norm = name.contains("layernorm");
            if (norm && name.endsWith(".weight")) {
                java.util.Arrays.fill(data, 1f);
            } else if (name.startsWith("embeddings.cls") || name.startsWith("embeddings.position")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (truncatedGaussian(rng) * 0.02);
                }
            } else if (!norm && name.endsWith(".weight") && !name.startsWith("classifier")) {
                long fanIn = count / e.getValue()[0];
                double std = 1 / Math.sqrt(fanIn);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (truncatedGaussian(rng) * std);
                }
            }
            t.put("vit." + name, new org.leafwalk.io.Tensor("vit." + name, e.getValue(), data));
        }
        t.put("classifier.weight", rename(t.remove("vit.classifier.weight"), "classifier.weight"));
        t.put("classifier.bias", rename(t.remove("vit.classifier.bias"), "classifier.bias"));
        return VitParameters.fromTensors(java.nio.file.Path.of("(initial weights)"), t, config, m, DataType.FLOAT32);
    }

    private static org.leafwalk.io.Tensor rename(org.leafwalk.io.Tensor t, String name) {
        return new org.leafwalk.io.Tensor(name, t.shape(), t.data());
    }

    private static double truncatedGaussian(Random rng) {
        double g;
        do {
            g = rng.nextGaussian();
        } while (Math.abs(g) > 2);
        return g;
    }

    /** Runs every epoch; evaluates on {@code test} after each. */
    public List<EpochResult> train(LabeledImages train, LabeledImages test, Listener listener) {
        VitConfig c = params.config();
        checkShape(train, c);
        Random rng = new Random(options.seed());
        int n = train.count();
        int batches = (n + options.batchSize() - 1) / options.batchSize();
        long totalUpdates = (long) batches * options.epochs();
        List<EpochResult> results = new ArrayList<>();
        long start = System.nanoTime();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            shuffle(order, rng);
            long epochStart = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * options.batchSize();
                int to = Math.min(n, from + options.batchSize());
                double lr = learningRate(updates, batches, totalUpdates);
                double[] stats = step(train, order, from, to, rng, lr);
                lossSum += stats[0] * (to - from);
                correct += (long) stats[1];
                seen += to - from;
                double elapsed = (System.nanoTime() - start) / 1e9;
                double done = (double) updates / totalUpdates;
                listener.batch(epoch, b + 1, batches, lossSum / seen, (double) correct / seen, elapsed,
                        elapsed / done * (1 - done));
            }
            double testAccuracy = test == null ? Double.NaN : accuracy(test);
            EpochResult r = new EpochResult(epoch, lossSum / seen, (double) correct / seen, testAccuracy,
                    (System.nanoTime() - epochStart) / 1e9);
            results.add(r);
            listener.epoch(r);
        }
        return results;
    }

    private double learningRate(int update, int batchesPerEpoch, long total) {
        double warm = options.warmupEpochs() * batchesPerEpoch;
        if (update < warm) {
            return options.learningRate() * (update + 1) / warm;
        }
        double progress = (update - warm) / Math.max(1, total - warm);
        return options.learningRate() * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    /** One AdamW update on a batch; returns {mean loss, correct predictions}. */
    private double[] step(LabeledImages data, int[] order, int from, int to, Random rng, double lr) {
        VitConfig c = params.config();
        int size = c.imageSize();
        int batch = to - from;
        float[] pixels = new float[batch * size * size];
        float[] onehot = new float[batch * c.numLabels()];
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            int idx = order[from + i];
            int dx = options.maxShift() == 0 ? 0 : rng.nextInt(2 * options.maxShift() + 1) - options.maxShift();
            int dy = options.maxShift() == 0 ? 0 : rng.nextInt(2 * options.maxShift() + 1) - options.maxShift();
            copyShifted(data, idx, pixels, i * size * size, size, dx, dy);
            labels[i] = data.label(idx);
            onehot[i * c.numLabels() + labels[i]] = 1;
        }
        NDManager root = params.get("layernorm.weight").getManager();
        try (NDManager m = root.newSubManager()) {
            VitParameters live = params.copyTo(m, true);
            NDArray x = m.create(pixels, new Shape(batch, (long) size * size));
            NDArray y = m.create(onehot, new Shape(batch, c.numLabels()));
            float loss;
            float[] logitValues;
            Map<String, NDArray> grads = new LinkedHashMap<>();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray logits = new VitNetwork(c, VitNetwork.fuse(live)).logits(x);
                NDArray nll = logits.logSoftmax(1).mul(y).sum(new int[] {1}).neg().mean();
                gc.backward(nll);
                loss = nll.getFloat();
                logitValues = logits.toFloatArray();
                for (Map.Entry<String, NDArray> e : live.asMap().entrySet()) {
                    grads.put(e.getKey(), e.getValue().getGradient());
                }
            }
            adamW(grads, lr);
            int correct = 0;
            int l = c.numLabels();
            for (int i = 0; i < batch; i++) {
                int best = 0;
                for (int j = 1; j < l; j++) {
                    if (logitValues[i * l + j] > logitValues[i * l + best]) {
                        best = j;
                    }
                }
                if (best == labels[i]) {
                    correct++;
                }
            }
            if (!Float.isFinite(loss)) {
                throw new org.leafwalk.io.InvalidInputException("training diverged: the loss is " + loss
                        + " at update " + updates + " (a lower --lr may train)");
            }
            return new double[] {loss, correct};
        }
    }

    private void adamW(Map<String, NDArray> grads, double lr) {
        updates++;
        double b1 = 0.9;
        double b2 = 0.999;
        double c1 = 1 - Math.pow(b1, updates);
        double c2 = 1 - Math.pow(b2, updates);
        for (Map.Entry<String, NDArray> e : grads.entrySet()) {
            String name = e.getKey();
            NDArray g = e.getValue();
            NDArray p = params.get(name);
            NDArray m1 = firstMoment.get(name);
            NDArray m2 = secondMoment.get(name);
            m1.muli(b1).addi(g.mul(1 - b1));
            m2.muli(b2).addi(g.mul(g).mul(1 - b2));
            // bias-corrected moments, attached to the step's manager: only the in-place updates touch the master
            NDArray mHat = m1.div(c1);
            mHat.attach(g.getManager());
            NDArray vHat = m2.div(c2);
            vHat.attach(g.getManager());
            NDArray update = mHat.div(vHat.sqrt().add(1e-8)).mul(lr);
            if (p.getShape().dimension() >= 2 && !name.startsWith("embeddings.")) {
                p.muli(1 - lr * options.weightDecay());
            }
            p.subi(update);
        }
    }

    /** Top-1 accuracy of the current parameters on a data set. */
    public double accuracy(LabeledImages data) {
        return accuracy(confusion(params, data));
    }

    /** Images on the diagonal of a confusion matrix: the ones classified right. */
    public static int correct(int[][] confusion) {
        int correct = 0;
        for (int i = 0; i < confusion.length; i++) {
            correct += confusion[i][i];
        }
        return correct;
    }

    public static double accuracy(int[][] confusion) {
        long total = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                total += v;
            }
        }
        return total == 0 ? 0 : (double) correct(confusion) / total;
    }

    /** Confusion matrix [true][predicted] of a network's parameters on a data set, without gradients. */
    /** How far a pass over a data set is: images done of total. */
    @FunctionalInterface
    public interface Counter {
        void done(int images, int total);
    }

    public static int[][] confusion(VitParameters params, LabeledImages data) {
        return confusion(params, data, (d, t) -> { });
    }

    public static int[][] confusion(VitParameters params, LabeledImages data, Counter counter) {
        VitConfig c = params.config();
        checkShape(data, c);
        int l = c.numLabels();
        int[][] confusion = new int[l][l];
        int chunk = 1000;
        NDManager root = params.get("layernorm.weight").getManager();
        DataType dtype = params.get("layernorm.weight").getDataType();
        // the weights are copied and fused once for the whole data set, in a scope of their own
        try (NDManager scope = root.newSubManager()) {
            VitNetwork net = new VitNetwork(c, VitNetwork.fuse(params.copyTo(scope, false)));
            for (int from = 0; from < data.count(); from += chunk) {
                classify(net, data, from, Math.min(data.count(), from + chunk), scope, dtype, confusion);
                counter.done(Math.min(data.count(), from + chunk), data.count());
            }
        }
        return confusion;
    }

    private static void classify(VitNetwork net, LabeledImages data, int from, int to, NDManager scope,
            DataType dtype, int[][] confusion) {
        VitConfig c = net.config();
        int l = c.numLabels();
        int size = c.imageSize() * c.imageSize();
        float[] px = new float[(to - from) * size];
        for (int i = from; i < to; i++) {
            for (int j = 0; j < size; j++) {
                px[(i - from) * size + j] = (data.pixels()[i * size + j] & 0xff) / 255f;
            }
        }
        try (NDManager m = scope.newSubManager()) {
            NDArray x = m.create(px, new Shape(to - from, size)).toType(dtype, false);
            float[] logits = net.logits(x).toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < to - from; i++) {
                int best = 0;
                for (int j = 1; j < l; j++) {
                    if (logits[i * l + j] > logits[i * l + best]) {
                        best = j;
                    }
                }
                int truth = data.label(from + i);
                if (truth >= l) {
                    throw new org.leafwalk.io.InvalidInputException("label " + truth + " of image " + (from + i)
                            + " is outside the model's " + l + " classes");
                }
                confusion[truth][best]++;
            }
        }
    }

    private static void checkShape(LabeledImages data, VitConfig c) {
        if (data.rows() != c.imageSize() || data.cols() != c.imageSize() || c.numChannels() != 1) {
            throw new org.leafwalk.io.InvalidInputException("the data holds " + data.rows() + "×" + data.cols()
                    + " grayscale images but the model reads " + c.numChannels() + "-channel " + c.imageSize() + "×"
                    + c.imageSize());
        }
    }

    private static void copyShifted(LabeledImages data, int idx, float[] out, int off, int size, int dx, int dy) {
        byte[] px = data.pixels();
        int base = idx * size * size;
        for (int y = 0; y < size; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= size) {
                continue;
            }
            for (int x = 0; x < size; x++) {
                int sx = x - dx;
                if (sx >= 0 && sx < size) {
                    out[off + y * size + x] = (px[base + sy * size + sx] & 0xff) / 255f;
                }
            }
        }
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
