package org.leafwalk.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/**
 * A Vision Transformer (Hugging Face ViTForImageClassification layout) written in DJL NDArray operations, so
 * DJL's autograd differentiates it, batched over a leading dimension.
 *
 * <p>Load-time rewrites keep the per-step op count low without changing the function: the pixel normalisation
 * is folded into the patch projection, the attention scale into the query weights, and query/key/value into one
 * matrix.
 */
public final class VitModel implements AutoCloseable {
    private final VitConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Path directory;

    // patch projection folded with normalisation: embedding = patches @ patchW + patchBiasPos (per token)
    private final NDArray patchW; // (CPP, d)
    private final NDArray patchBiasPos; // (N, d): folded projection bias + position embeddings of patches
    private final NDArray clsPos; // (1, 1, d): cls token + its position embedding
    private final List<Layer> layers = new ArrayList<>();
    private final NDArray finalLnG;
    private final NDArray finalLnB;
    private final NDArray classifierW; // (d, L)
    private final NDArray classifierB; // (L)

    // plain copies for decoding embeddings back into pixels
    private final double[] projection; // (d, CPP) folded, row-major
    private final double[] projectionPinv; // (CPP, d)
    private final double[] patchOffsets; // (N, d) folded bias + position embeddings
    private final double[] clsOffset; // (d)

    private record Layer(NDArray ln1G, NDArray ln1B, NDArray qkvW, NDArray qkvB, NDArray outW, NDArray outB,
            NDArray ln2G, NDArray ln2B, NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B,
            NDArray qkvWT, NDArray outWT, NDArray fc1WT, NDArray fc2WT) {}

    // transposed copies for the pullback, made once so no step ever creates arrays on the model's manager
    private final NDArray patchWT; // (d, CPP)
    private final NDArray classifierWT; // (L, d)

    private VitModel(Path directory, VitConfig config, Map<String, Tensor> w, NDManager manager, DataType dtype) {
        this.directory = directory;
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        Weights ws = new Weights(directory, w);
        int d = config.hiddenSize();
        int c = config.numChannels();
        int p = config.patchSize();
        int cpp = config.patchDim();
        int n = config.numPatches();
        int t = config.numTokens();

        float[] proj = ws.take("embeddings.patch_embeddings.projection.weight", d, c, p, p);
        float[] projBias = ws.optional("embeddings.patch_embeddings.projection.bias", d);
        float[] cls = ws.take("embeddings.cls_token", 1, 1, d);
        float[] pos = ws.take("embeddings.position_embeddings", 1, t, d);

        // (x - mean)/std folded: W' = W / std[c], b' = b - sum W * mean / std
        projection = new double[d * cpp];
        double[] foldedBias = new double[d];
        int pp = p * p;
        for (int j = 0; j < d; j++) {
            double b = projBias == null ? 0 : projBias[j];
            for (int i = 0; i < cpp; i++) {
                int ch = i / pp;
                double wv = proj[j * cpp + i] / config.imageStd()[ch];
                projection[j * cpp + i] = wv;
                b -= wv * config.imageMean()[ch];
            }
            foldedBias[j] = b;
        }
        patchOffsets = new double[n * d];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < d; j++) {
                patchOffsets[k * d + j] = foldedBias[j] + pos[(k + 1) * d + j];
            }
        }
        clsOffset = new double[d];
        for (int j = 0; j < d; j++) {
            clsOffset[j] = (double) cls[j] + pos[j];
        }
        patchW = arrayOf(transpose(projection, d, cpp), cpp, d);
        patchWT = arrayOf(projection, d, cpp);
        patchBiasPos = arrayOf(patchOffsets, n, d);
        clsPos = arrayOf(clsOffset, 1, 1, d);
        projectionPinv = pseudoInverse(projection, d, cpp);

        int heads = config.numHeads();
        double scale = 1.0 / Math.sqrt((double) d / heads);
        int inter = config.intermediateSize();
        for (int l = 0; l < config.numLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            float[] q = ws.take(pre + "attention.attention.query.weight", d, d);
            float[] k = ws.take(pre + "attention.attention.key.weight", d, d);
            float[] v = ws.take(pre + "attention.attention.value.weight", d, d);
            float[] qb = orZeros(ws.optional(pre + "attention.attention.query.bias", d), d);
            float[] kb = orZeros(ws.optional(pre + "attention.attention.key.bias", d), d);
            float[] vb = orZeros(ws.optional(pre + "attention.attention.value.bias", d), d);
            float[] qkv = new float[d * 3 * d]; // (in, 3*out)
            float[] qkvB = new float[3 * d];
            for (int o = 0; o < d; o++) {
                for (int i = 0; i < d; i++) {
                    qkv[i * 3 * d + o] = (float) (q[o * d + i] * scale);
                    qkv[i * 3 * d + d + o] = k[o * d + i];
                    qkv[i * 3 * d + 2 * d + o] = v[o * d + i];
                }
                qkvB[o] = (float) (qb[o] * scale);
                qkvB[d + o] = kb[o];
                qkvB[2 * d + o] = vb[o];
            }
            float[] outWeight = ws.take(pre + "attention.output.dense.weight", d, d);
            float[] fc1Weight = ws.take(pre + "intermediate.dense.weight", inter, d);
            float[] fc2Weight = ws.take(pre + "output.dense.weight", d, inter);
            layers.add(new Layer(
                    array(ws.take(pre + "layernorm_before.weight", d), d),
                    array(ws.take(pre + "layernorm_before.bias", d), d),
                    array(qkv, d, 3 * d),
                    array(qkvB, 3 * d),
                    array(transpose(outWeight, d, d), d, d),
                    array(ws.take(pre + "attention.output.dense.bias", d), d),
                    array(ws.take(pre + "layernorm_after.weight", d), d),
                    array(ws.take(pre + "layernorm_after.bias", d), d),
                    array(transpose(fc1Weight, inter, d), d, inter),
                    array(ws.take(pre + "intermediate.dense.bias", inter), inter),
                    array(transpose(fc2Weight, d, inter), inter, d),
                    array(ws.take(pre + "output.dense.bias", d), d),
                    array(transpose(qkv, d, 3 * d), 3 * d, d),
                    array(outWeight, d, d),
                    array(fc1Weight, inter, d),
                    array(fc2Weight, d, inter)));
        }
        finalLnG = array(ws.take("layernorm.weight", d), d);
        finalLnB = array(ws.take("layernorm.bias", d), d);
        int labels = config.numLabels();
        float[] cw = ws.takeTop("classifier.weight", labels, d);
        classifierW = array(transpose(cw, labels, d), d, labels);
        classifierWT = array(cw, labels, d);
        classifierB = array(ws.takeTop("classifier.bias", labels), labels);
        ws.checkAllUsed();
    }

    /** Loads a Hugging Face ViT folder (config.json, model.safetensors, optional preprocessor_config.json). */
    public static VitModel load(Path dir, Device device, DataType dtype) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": model folder not found");
        }
        VitConfig config = VitConfig.load(dir);
        Path weightsFile = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weightsFile)) {
            throw new InvalidInputException(dir + ": no model.safetensors in the model folder");
        }
        Map<String, Tensor> w = SafeTensors.read(weightsFile);
        NDManager m = NDManager.newBaseManager(device);
        try {
            return new VitModel(dir, config, w, m, dtype);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public VitConfig config() {
        return config;
    }

    public Path directory() {
        return directory;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The manager that owns the weights; each step's arrays belong in a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public int inputDimension(InputSpace space) {
        return space == InputSpace.PIXELS ? config.pixelDimension() : config.embeddingDimension();
    }

    /** Width of {@link #readout}: the logits followed by the final [CLS] representation. */
    public int readoutWidth() {
        return config.numLabels() + config.hiddenSize();
    }

    /**
     * The model as a map of the flattened input point: (B, n) to (B, L + d), logits then the final-layernorm
     * [CLS] state. Every intermediate array is attached to the input's manager, so closing it frees the step.
     */
    public NDArray readout(NDArray x, InputSpace space) {
        NDArray emb = space == InputSpace.PIXELS ? embed(x) : x.reshape(-1, config.numTokens(), config.hiddenSize());
        NDArray cls = encodeCls(emb);
        NDArray logits = cls.matMul(classifierW).add(classifierB);
        return NDArrays.concat(new NDList(logits, cls), 1);
    }

    /** Pixels (B, C*H*W) in [0,1] to the embedding sequence (B, T, d) the encoder reads. */
    public NDArray embed(NDArray pixels) {
        NDManager m = pixels.getManager();
        int c = config.numChannels();
        int g = config.gridSize();
        int p = config.patchSize();
        long b = pixels.getShape().get(0);
        NDArray patches = pixels.reshape(b, c, g, p, g, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, (long) g * g, config.patchDim());
        NDArray tokens = patches.matMul(patchW).add(patchBiasPos);
        NDArray clsRows = clsPos.broadcast(b, 1, config.hiddenSize());
        clsRows.attach(m);
        return NDArrays.concat(new NDList(clsRows, tokens), 1);
    }

    /** Embedding sequence (B, T, d) to the final-layernorm [CLS] state (B, d). */
    public NDArray encodeCls(NDArray emb) {
        NDArray h = emb;
        int last = layers.size() - 1;
        for (int l = 0; l < last; l++) {
            h = block(h, layers.get(l), false);
        }
        // the last block only needs the [CLS] row: queries and MLP on one token, keys and values on all
        h = last >= 0 ? block(h, layers.get(last), true) : h.get(":, 0:1, :");
        return layerNorm(h, finalLnG, finalLnB).reshape(-1, config.hiddenSize());
    }

    private NDArray block(NDArray h, Layer w, boolean clsOnly) {
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        NDArray x = layerNorm(h, w.ln1G, w.ln1B);
        NDArray qkv = x.matMul(w.qkvW).add(w.qkvB).reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray residual = h;
        long tq = t;
        if (clsOnly) {
            q = q.get(":, :, 0:1, :");
            residual = h.get(":, 0:1, :");
            tq = 1;
        }
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
        NDArray ctx = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, tq, d);
        NDArray h1 = ctx.matMul(w.outW).add(w.outB).add(residual);
        NDArray y = layerNorm(h1, w.ln2G, w.ln2B).matMul(w.fc1W).add(w.fc1B);
        y = activation(y).matMul(w.fc2W).add(w.fc2B);
        return y.add(h1);
    }

    private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(config.hiddenSize()), g, b, (float) config.layerNormEps())
                .singletonOrThrow();
    }

    private NDArray activation(NDArray x) {
        if (config.hiddenAct().equals("gelu")) {
            return x.getNDArrayInternal().gelu();
        }
        // tanh approximation (gelu_new, gelu_pytorch_tanh, gelu_fast)
        NDArray inner = x.mul(x).mul(0.044715).add(1.0).mul(x).mul(Math.sqrt(2.0 / Math.PI));
        return inner.tanh().add(1.0).mul(x).mul(0.5);
    }

    /**
     * Forward pass at batch 1 that keeps what the hand-written pullback needs. Autograd would replicate the input k
     * times to get k rows of J; here the forward runs once and only the cotangents are batched (a vmap over the
     * vector-Jacobian product), which removes k − 1 forward passes from every step.
     */
    public Tape tape(NDArray x1, InputSpace space) {
        return new Tape(x1, space);
    }

    /** Activations of one forward pass at batch 1, and the batched vector-Jacobian product through them. */
    public final class Tape {
        private final InputSpace space;
        private final List<Saved> saved = new ArrayList<>();
        private final Norm finalNorm;
        private final NDArray output;

        private record Norm(NDArray xhat, NDArray rstd, NDArray gamma) {}

        private record Saved(Norm ln1, NDArray q, NDArray k, NDArray v, NDArray att, NDArray ctx, Norm ln2,
                NDArray actGrad, boolean clsOnly) {}

        private Tape(NDArray x1, InputSpace space) {
            this.space = space;
            NDArray h = space == InputSpace.PIXELS ? embed(x1) : x1.reshape(1, config.numTokens(), config.hiddenSize());
            int last = layers.size() - 1;
            for (int l = 0; l <= last; l++) {
                h = forward(h, layers.get(l), l == last);
            }
            if (last < 0) {
                h = h.get(":, 0:1, :");
            }
            NDArray[] ln = norm(h, finalLnG, finalLnB);
            finalNorm = new Norm(ln[1], ln[2], finalLnG);
            NDArray rep = ln[0].reshape(1, config.hiddenSize());
            NDArray logits = rep.matMul(classifierW).add(classifierB);
            output = NDArrays.concat(new NDList(logits, rep), 1);
        }

        /** The readout at the point: (1, L + d), logits then the [CLS] representation. */
        public NDArray output() {
            return output;
        }

        private NDArray forward(NDArray h, Layer w, boolean clsOnly) {
            int d = config.hiddenSize();
            int heads = config.numHeads();
            int hd = d / heads;
            long t = h.getShape().get(1);
            NDArray[] ln1 = norm(h, w.ln1G, w.ln1B);
            NDArray qkv = ln1[0].matMul(w.qkvW).add(w.qkvB).reshape(1, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(0);
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            NDArray residual = h;
            long tq = t;
            if (clsOnly) {
                q = q.get(":, :, 0:1, :");
                residual = h.get(":, 0:1, :");
                tq = 1;
            }
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
            NDArray ctxHeads = att.matMul(v);
            NDArray ctx = ctxHeads.transpose(0, 2, 1, 3).reshape(1, tq, d);
            NDArray h1 = ctx.matMul(w.outW).add(w.outB).add(residual);
            NDArray[] ln2 = norm(h1, w.ln2G, w.ln2B);
            NDArray u = ln2[0].matMul(w.fc1W).add(w.fc1B);
            NDArray[] act = activationWithGrad(u);
            saved.add(new Saved(new Norm(ln1[1], ln1[2], w.ln1G), q, k, v, att,
                    ctxHeads.reshape(heads, tq, 1, hd), new Norm(ln2[1], ln2[2], w.ln2G), act[1], clsOnly));
            return act[0].matMul(w.fc2W).add(w.fc2B).add(h1);
        }

        /**
         * Rows of cotangents on the readout, (k, L + d), to rows of vector-Jacobian products on the input,
         * (k, n): row i is c_iᵀ J.
         */
        public NDArray pullback(NDArray cot) {
            int d = config.hiddenSize();
            int labels = config.numLabels();
            long kRows = cot.getShape().get(0);
            NDArray df = cot.get(":, 0:" + labels).matMul(classifierWT).add(cot.get(":, " + labels + ":"));
            NDArray dh = normBackward(df.reshape(kRows, 1, d), finalNorm);
            for (int l = layers.size() - 1; l >= 0; l--) {
                dh = backward(dh, layers.get(l), saved.get(l));
            }
            if (layers.isEmpty()) {
                dh = padTokens(dh, config.numTokens());
            }
            if (space == InputSpace.EMBEDDINGS) {
                return dh.reshape(kRows, config.embeddingDimension());
            }
            int g = config.gridSize();
            int p = config.patchSize();
            int c = config.numChannels();
            NDArray dPatches = dh.get(":, 1:, :").matMul(patchWT); // (k, N, CPP)
            return dPatches.reshape(kRows, g, g, c, p, p).transpose(0, 3, 1, 4, 2, 5)
                    .reshape(kRows, config.pixelDimension());
        }

        private NDArray backward(NDArray dOut, Layer w, Saved s) {
            int d = config.hiddenSize();
            int heads = config.numHeads();
            int hd = d / heads;
            long kRows = dOut.getShape().get(0);
            long tq = dOut.getShape().get(1);
            long t = s.k.getShape().get(2);
            // MLP with its residual
            NDArray du = dOut.matMul(w.fc2WT).mul(s.actGrad);
            NDArray dh1 = normBackward(du.matMul(w.fc1WT), s.ln2).add(dOut);
            // attention with its residual. The cotangent rows are folded into the matrix dimension, laid out
            // (head, query, row, ·), so every product is one large GEMM per head against the shared batch-1
            // activations instead of k broadcast small ones.
            NDArray q3 = s.q.reshape(heads, tq, hd);
            NDArray k3 = s.k.reshape(heads, t, hd);
            NDArray v3 = s.v.reshape(heads, t, hd);
            NDArray a3 = s.att.reshape(heads, tq, t);
            // one contiguous copy in (head, query, row, hd) layout serves both products below as free views
            NDArray dCtx = dh1.matMul(w.outWT).reshape(kRows, tq, heads, hd).transpose(2, 1, 0, 3)
                    .reshape(heads, tq, kRows, hd);
            NDArray dAtt = dCtx.reshape(heads, tq * kRows, hd).matMul(v3.transpose(0, 2, 1))
                    .reshape(heads, tq, kRows, t);
            // softmax pullback: the row sums Σ_j A_ij dAtt_ij equal dCtx_i · ctx_i, so no extra pass over T×T
            NDArray rowDot = dCtx.mul(s.ctx).sum(new int[] {-1}, true); // (H, tq, k, 1)
            NDArray dS = dAtt.sub(rowDot).mul(a3.reshape(heads, tq, 1, t));
            NDArray dq = dS.reshape(heads, tq * kRows, t).matMul(k3).reshape(heads, tq, kRows, hd)
                    .transpose(2, 1, 0, 3); // view (k, tq, H, hd)
            NDArray dk = q3.transpose(0, 2, 1).matMul(dS.reshape(heads, tq, kRows * t))
                    .reshape(heads, hd, kRows, t).transpose(2, 3, 0, 1); // view (k, T, H, hd)
            NDArray dv = a3.transpose(0, 2, 1).matMul(dCtx.reshape(heads, tq, kRows * hd))
                    .reshape(heads, t, kRows, hd).transpose(2, 1, 0, 3); // view (k, T, H, hd)
            if (s.clsOnly) {
                dq = padTokens(dq.reshape(kRows, tq, d), t).reshape(kRows, t, heads, hd);
                dh1 = padTokens(dh1, t);
            }
            // stacking the three views makes the single copy into the (k, T, 3, H, hd) layout of the fused QKV
            NDArray dqkv = NDArrays.stack(new NDList(dq, dk, dv), 2).reshape(kRows, t, 3L * d);
            return normBackward(dqkv.matMul(w.qkvWT), s.ln1).add(dh1);
        }

        private NDArray padTokens(NDArray a, long t) {
            long kRows = a.getShape().get(0);
            NDArray zeros = a.getManager().zeros(new Shape(kRows, t - 1, a.getShape().get(2)), a.getDataType());
            return NDArrays.concat(new NDList(a, zeros), 1);
        }

        private NDArray normBackward(NDArray dy, Norm n) {
            NDArray dxhat = dy.mul(n.gamma);
            NDArray mean1 = dxhat.mean(new int[] {-1}, true);
            NDArray mean2 = dxhat.mul(n.xhat).mean(new int[] {-1}, true);
            return dxhat.sub(mean1).sub(n.xhat.mul(mean2)).mul(n.rstd);
        }
    }

    /** Layer norm that also returns x̂ and 1/σ for the pullback: {out, xhat, rstd}. */
    private NDArray[] norm(NDArray x, NDArray g, NDArray b) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray xc = x.sub(mean);
        NDArray rstd = xc.mul(xc).mean(new int[] {-1}, true).add(config.layerNormEps()).sqrt().pow(-1);
        NDArray xhat = xc.mul(rstd);
        return new NDArray[] {xhat.mul(g).add(b), xhat, rstd};
    }

    /** {act(u), act'(u)} for the configured GELU. */
    private NDArray[] activationWithGrad(NDArray u) {
        if (config.hiddenAct().equals("gelu")) {
            NDArray cdf = u.mul(1 / Math.sqrt(2)).erf().add(1).mul(0.5);
            NDArray pdf = u.mul(u).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
            return new NDArray[] {u.mul(cdf), cdf.add(u.mul(pdf))};
        }
        double c = Math.sqrt(2.0 / Math.PI);
        NDArray u2 = u.mul(u);
        NDArray th = u2.mul(0.044715).add(1.0).mul(u).mul(c).tanh();
        NDArray onePlus = th.add(1.0);
        NDArray value = onePlus.mul(u).mul(0.5);
        NDArray sech2 = th.mul(th).neg().add(1.0);
        NDArray grad = onePlus.mul(0.5).add(sech2.mul(u2.mul(3 * 0.044715).add(1.0)).mul(u).mul(0.5 * c));
        return new NDArray[] {value, grad};
    }

    /** The embedding sequence of an image as plain numbers (T*d), computed outside autograd. */
    public double[] embeddingsOf(double[] pixels) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(pixels).toType(dtype, false).reshape(1, pixels.length);
            return embed(x).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /**
     * Reads an embedding sequence back as an image: each patch token minus its offset, through the
     * pseudo-inverse of the (normalisation-folded) patch projection. What no image could produce is the residual.
     */
    public EmbeddingDecoding decode(double[] embedding) {
        int d = config.hiddenSize();
        int cpp = config.patchDim();
        int n = config.numPatches();
        int g = config.gridSize();
        int p = config.patchSize();
        int c = config.numChannels();
        int size = config.imageSize();
        double[] image = new double[config.pixelDimension()];
        double[] patchResidual = new double[n];
        double residualSq = 0;
        double totalSq = 0;
        double[] e = new double[d];
        double[] px = new double[cpp];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < d; j++) {
                e[j] = embedding[(k + 1) * d + j] - patchOffsets[k * d + j];
                totalSq += e[j] * e[j];
            }
            for (int i = 0; i < cpp; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += projectionPinv[i * d + j] * e[j];
                }
                px[i] = s;
            }
            double r2 = 0;
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = 0; i < cpp; i++) {
                    s += projection[j * cpp + i] * px[i];
                }
                double r = e[j] - s;
                r2 += r * r;
            }
            patchResidual[k] = Math.sqrt(r2);
            residualSq += r2;
            int gy = k / g;
            int gx = k % g;
            for (int i = 0; i < cpp; i++) {
                int ch = i / (p * p);
                int py = (i / p) % p;
                int pxx = i % p;
                image[ch * size * size + (gy * p + py) * size + gx * p + pxx] = px[i];
            }
        }
        double clsSq = 0;
        for (int j = 0; j < d; j++) {
            double r = embedding[j] - clsOffset[j];
            clsSq += r * r;
        }
        return new EmbeddingDecoding(image, patchResidual, Math.sqrt(residualSq), Math.sqrt(totalSq),
                Math.sqrt(clsSq));
    }

    /**
     * Per-dimension bounds of the patch tokens reachable by images with pixels in [0,1] (the seed paper's
     * embedding-space bounds); the [CLS] token is left free.
     */
    public double[][] embeddingBounds() {
        int d = config.hiddenSize();
        int cpp = config.patchDim();
        int n = config.numPatches();
        double[] lo = new double[config.embeddingDimension()];
        double[] hi = new double[config.embeddingDimension()];
        Arrays.fill(lo, 0, d, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, 0, d, Double.POSITIVE_INFINITY);
        for (int j = 0; j < d; j++) {
            double neg = 0;
            double pos = 0;
            for (int i = 0; i < cpp; i++) {
                double w = projection[j * cpp + i];
                if (w < 0) {
                    neg += w;
                } else {
                    pos += w;
                }
            }
            for (int k = 0; k < n; k++) {
                lo[(k + 1) * d + j] = patchOffsets[k * d + j] + neg;
                hi[(k + 1) * d + j] = patchOffsets[k * d + j] + pos;
            }
        }
        return new double[][] {lo, hi};
    }

    /** Floating-point operations of one forward pass for one input (2 per multiply-add), for GFLOP/s figures. */
    public double forwardFlops(InputSpace space) {
        return linearFlops(space) + attentionFlops();
    }

    /**
     * Floating-point operations of pulling one cotangent back to the input: each linear layer once (only the
     * input gradient is needed), attention twice (dA, dV, dQ, dK against the forward's QKᵀ and AV).
     */
    public double pullbackFlops(InputSpace space) {
        return linearFlops(space) + 2 * attentionFlops();
    }

    private double linearFlops(InputSpace space) {
        double d = config.hiddenSize();
        double t = config.numTokens();
        double inter = config.intermediateSize();
        double full = Math.max(0, config.numLayers() - 1);
        double perLayer = 2 * t * d * 3 * d + 2 * t * d * d + 2 * 2 * t * d * inter;
        double last = 2 * t * d * 2 * d + 2 * d * d + 2 * d * d + 2 * 2 * d * inter;
        double flops = full * perLayer + (config.numLayers() > 0 ? last : 0) + 2 * d * config.numLabels();
        if (space == InputSpace.PIXELS) {
            flops += 2.0 * config.numPatches() * config.patchDim() * d;
        }
        return flops;
    }

    private double attentionFlops() {
        double d = config.hiddenSize();
        double t = config.numTokens();
        double full = Math.max(0, config.numLayers() - 1);
        return full * 2 * 2 * t * t * d + (config.numLayers() > 0 ? 2 * 2 * t * d : 0);
    }

    private NDArray array(float[] data, long... shape) {
        NDArray a = manager.create(data, new Shape(shape));
        return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false);
    }

    /** Folded weights are computed in double; the model's dtype decides the precision they run at. */
    private NDArray arrayOf(double[] data, long... shape) {
        return manager.create(data).reshape(new Shape(shape)).toType(dtype, false);
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private static float[] orZeros(float[] a, int n) {
        return a == null ? new float[n] : a;
    }

    private static double[] pseudoInverse(double[] a, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, a);
        DMatrixRMaj inv = new DMatrixRMaj(cols, rows);
        CommonOps_DDRM.pinv(m, inv);
        return inv.getData().clone();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Name lookup with or without the "vit." prefix, with shape checks that name the file and tensor. */
    private static final class Weights {
        private final Path dir;
        private final Map<String, Tensor> tensors;
        private final String prefix;
        private final java.util.Set<String> used = new java.util.HashSet<>();

        Weights(Path dir, Map<String, Tensor> tensors) {
            this.dir = dir;
            this.tensors = tensors;
            this.prefix = tensors.containsKey("vit.embeddings.cls_token") ? "vit." : "";
            if (!tensors.containsKey(prefix + "embeddings.cls_token")) {
                throw new InvalidInputException(dir.resolve("model.safetensors")
                        + ": no ViT weights found (missing embeddings.cls_token); is this a ViT checkpoint?");
            }
        }

        float[] take(String name, long... shape) {
            return takeNamed(prefix + name, shape, true);
        }

        float[] takeTop(String name, long... shape) {
            return takeNamed(name, shape, true);
        }

        float[] optional(String name, long... shape) {
            return takeNamed(prefix + name, shape, false);
        }

        private float[] takeNamed(String full, long[] shape, boolean required) {
            Tensor t = tensors.get(full);
            if (t == null) {
                if (required) {
                    throw new InvalidInputException(dir.resolve("model.safetensors") + ": missing tensor '" + full
                            + "' that config.json implies");
                }
                return null;
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new InvalidInputException(dir.resolve("model.safetensors") + ": tensor '" + full + "' has shape "
                        + t.shapeString() + " but config.json implies " + Arrays.toString(shape));
            }
            used.add(full);
            return t.data();
        }

        void checkAllUsed() {
            for (String name : tensors.keySet()) {
                if (!used.contains(name) && name.startsWith(prefix + "encoder.layer.")) {
                    int layer = Integer.parseInt(name.substring((prefix + "encoder.layer.").length()).split("\\.")[0]);
                    throw new InvalidInputException(dir.resolve("model.safetensors") + ": has weights for layer "
                            + layer + " but config.json says num_hidden_layers is smaller");
                }
            }
        }
    }
}
