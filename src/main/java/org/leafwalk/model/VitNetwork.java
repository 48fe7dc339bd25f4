package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The ViT forward pass (Hugging Face ViTForImageClassification) in DJL NDArray operations, batched over a leading
 * dimension and differentiable by DJL's autograd, plus a hand-written batched pullback ({@link Tape}).
 *
 * <p>It runs on {@link Fused} weights, derived from the raw parameters by NDArray operations so that gradients flow
 * back to the raw parameters in training: the pixel normalisation folded into the patch projection, the attention
 * scale into the query weights, query/key/value concatenated into one matrix. Every array a pass creates is
 * attached to its input's manager (never to the weights'), so closing one sub-manager frees a step.
 */
public final class VitNetwork {
    private final VitConfig config;
    private final Fused weights;

    /** One block's fused weights, with the transposes the pullback multiplies by. */
    public record Layer(NDArray ln1G, NDArray ln1B, NDArray qkvW, NDArray qkvB, NDArray outW, NDArray outB,
            NDArray ln2G, NDArray ln2B, NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B,
            NDArray qkvWT, NDArray outWT, NDArray fc1WT, NDArray fc2WT) {}

    /**
     * @param patchW (CPP, d), normalisation folded in; {@code patchWT} is its (d, CPP) transpose
     * @param patchBiasPos (N, d): folded projection bias plus the patches' position embeddings
     * @param clsPos (1, 1, d): the [CLS] token plus its position embedding
     * @param classifierW (d, L); {@code classifierWT} its (L, d) transpose
     */
    public record Fused(NDArray patchW, NDArray patchWT, NDArray patchBiasPos, NDArray clsPos, List<Layer> layers,
            NDArray finalLnG, NDArray finalLnB, NDArray classifierW, NDArray classifierWT, NDArray classifierB) {}

    /** x̂ and 1/σ of a layer norm, and its scale, for the pullback. */
    private record Norm(NDArray xhat, NDArray rstd, NDArray gamma) {}

    /** What one block's pullback needs from its forward pass. */
    private record Saved(Norm ln1, NDArray q, NDArray k, NDArray v, NDArray att, NDArray ctx, Norm ln2,
            NDArray actGrad, boolean clsOnly) {}

    public VitNetwork(VitConfig config, Fused weights) {
        this.config = config;
        this.weights = weights;
    }

    public VitConfig config() {
        return config;
    }

    public Fused weights() {
        return weights;
    }

    /** Derives the fused weights from raw parameters with NDArray operations (differentiable). */
    public static Fused fuse(VitParameters p) {
        VitConfig c = p.config();
        int d = c.hiddenSize();
        int ch = c.numChannels();
        int pp = c.patchSize() * c.patchSize();
        NDArray proj = p.get("embeddings.patch_embeddings.projection.weight");
        NDManager m = proj.getManager();
        DataType dt = proj.getDataType();
        double[] invStd = new double[ch];
        double[] meanVec = new double[c.patchDim()];
        for (int i = 0; i < ch; i++) {
            invStd[i] = 1 / c.imageStd()[i];
            for (int j = 0; j < pp; j++) {
                meanVec[i * pp + j] = c.imageMean()[i];
            }
        }
        // (x − mean)/std folded: W' = W / std[c], b' = b − W' · mean
        NDArray wFold = proj.mul(m.create(invStd).toType(dt, false).reshape(1, ch, 1, 1)).reshape(d, c.patchDim());
        NDArray bFold = p.get("embeddings.patch_embeddings.projection.bias")
                .sub(wFold.matMul(m.create(meanVec).toType(dt, false)));
        NDArray pos = p.get("embeddings.position_embeddings").reshape(c.numTokens(), d);
        NDArray patchBiasPos = pos.get("1:, :").add(bFold);
        NDArray clsPos = p.get("embeddings.cls_token").reshape(1, d).add(pos.get("0:1, :")).reshape(1, 1, d);
        double scale = 1.0 / Math.sqrt((double) d / c.numHeads());
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            NDArray q = p.get(pre + "attention.attention.query.weight").mul(scale);
            NDArray qkvWT = NDArrays.concat(new NDList(q, p.get(pre + "attention.attention.key.weight"),
                    p.get(pre + "attention.attention.value.weight")), 0); // (3d, d)
            NDArray qkvB = NDArrays.concat(new NDList(p.get(pre + "attention.attention.query.bias").mul(scale),
                    p.get(pre + "attention.attention.key.bias"), p.get(pre + "attention.attention.value.bias")), 0);
            NDArray outWT = p.get(pre + "attention.output.dense.weight");
            NDArray fc1WT = p.get(pre + "intermediate.dense.weight");
            NDArray fc2WT = p.get(pre + "output.dense.weight");
            layers.add(new Layer(p.get(pre + "layernorm_before.weight"), p.get(pre + "layernorm_before.bias"),
                    contiguousT(qkvWT), qkvB, contiguousT(outWT), p.get(pre + "attention.output.dense.bias"),
                    p.get(pre + "layernorm_after.weight"), p.get(pre + "layernorm_after.bias"),
                    contiguousT(fc1WT), p.get(pre + "intermediate.dense.bias"), contiguousT(fc2WT),
                    p.get(pre + "output.dense.bias"), qkvWT, outWT, fc1WT, fc2WT));
        }
        NDArray cw = p.get("classifier.weight");
        return new Fused(contiguousT(wFold), wFold, patchBiasPos, clsPos, layers, p.get("layernorm.weight"),
                p.get("layernorm.bias"), contiguousT(cw), cw, p.get("classifier.bias"));
    }

    /** The transpose as its own contiguous array: matmuls against strided views copied them on every call. */
    private static NDArray contiguousT(NDArray a) {
        Shape s = a.getShape();
        return a.transpose().flatten().reshape(s.get(1), s.get(0));
    }

    public int readoutWidth() {
        return config.numLabels() + config.hiddenSize();
    }

    /** Class logits (B, L) of pixels (B, C*H*W) in [0,1]. */
    public NDArray logits(NDArray pixels) {
        return encodeCls(embed(pixels)).matMul(weights.classifierW).add(weights.classifierB);
    }

    /**
     * The model as a map of the flattened input point: (B, n) to (B, L + d), logits then the final-layernorm
     * [CLS] state. Every intermediate array is attached to the input's manager, so closing it frees the step.
     */
    public NDArray readout(NDArray x, InputSpace space) {
        NDArray emb = space == InputSpace.PIXELS ? embed(x) : x.reshape(-1, config.numTokens(), config.hiddenSize());
        NDArray cls = encodeCls(emb);
        NDArray logits = cls.matMul(weights.classifierW).add(weights.classifierB);
        return NDArrays.concat(new NDList(logits, cls), 1);
    }

    /**
     * Like {@link #readout}, but the representation columns are the [CLS] state after block {@code layer}
     * (1 ≤ layer ≤ L): the raw residual stream for an inner block, the final-layernorm state after the last. The
     * logits are the model's own, so the prediction is still shown.
     */
    public NDArray readoutAtLayer(NDArray x, InputSpace space, int layer) {
        int layers = weights.layers.size();
        if (layer < 1 || layer > layers) {
            throw new IllegalArgumentException("layer " + layer + " of a model with layers 1 to " + layers);
        }
        if (layer == layers) {
            return readout(x, space);
        }
        NDArray h = space == InputSpace.PIXELS ? embed(x) : x.reshape(-1, config.numTokens(), config.hiddenSize());
        NDArray rep = null;
        for (int l = 0; l < layers; l++) {
            h = block(h, weights.layers.get(l), l == layers - 1);
            if (l == layer - 1) {
                rep = h.get(":, 0, :").reshape(-1, config.hiddenSize());
            }
        }
        NDArray cls = layerNorm(h, weights.finalLnG, weights.finalLnB).reshape(-1, config.hiddenSize());
        NDArray logits = cls.matMul(weights.classifierW).add(weights.classifierB);
        return NDArrays.concat(new NDList(logits, rep), 1);
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
        NDArray tokens = patches.matMul(weights.patchW).add(weights.patchBiasPos);
        NDArray clsRows = weights.clsPos.broadcast(b, 1, config.hiddenSize());
        clsRows.attach(m);
        return NDArrays.concat(new NDList(clsRows, tokens), 1);
    }

    /** Embedding sequence (B, T, d) to the final-layernorm [CLS] state (B, d). */
    public NDArray encodeCls(NDArray emb) {
        NDArray h = emb;
        int last = weights.layers.size() - 1;
        for (int l = 0; l < last; l++) {
            h = block(h, weights.layers.get(l), false);
        }
        // the last block only needs the [CLS] row: queries and MLP on one token, keys and values on all
        h = last >= 0 ? block(h, weights.layers.get(last), true) : h.get(":, 0:1, :");
        return layerNorm(h, weights.finalLnG, weights.finalLnB).reshape(-1, config.hiddenSize());
    }

    private NDArray block(NDArray h, Layer w, boolean clsOnly) {
        return block(h, w, clsOnly, null);
    }

    /**
     * One pre-norm encoder block. With {@code tape} null it runs the fused layer norm and GELU; otherwise it
     * computes them by hand and records what the pullback needs.
     */
    private NDArray block(NDArray h, Layer w, boolean clsOnly, List<Saved> tape) {
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        NDArray[] ln1 = tape == null ? new NDArray[] {layerNorm(h, w.ln1G, w.ln1B)} : norm(h, w.ln1G, w.ln1B);
        NDArray qkv = ln1[0].matMul(w.qkvW).add(w.qkvB).reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
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
        NDArray h1 = ctxHeads.transpose(0, 2, 1, 3).reshape(b, tq, d).matMul(w.outW).add(w.outB).add(residual);
        if (tape == null) {
            NDArray u = layerNorm(h1, w.ln2G, w.ln2B).matMul(w.fc1W).add(w.fc1B);
            return activation(u).matMul(w.fc2W).add(w.fc2B).add(h1);
        }
        NDArray[] ln2 = norm(h1, w.ln2G, w.ln2B);
        NDArray[] act = activationWithGrad(ln2[0].matMul(w.fc1W).add(w.fc1B));
        tape.add(new Saved(new Norm(ln1[1], ln1[2], w.ln1G), q, k, v, att, ctxHeads.reshape(heads, tq, 1, hd),
                new Norm(ln2[1], ln2[2], w.ln2G), act[1], clsOnly));
        return act[0].matMul(w.fc2W).add(w.fc2B).add(h1);
    }

    private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
        return layerNorm(x, g, b, config.hiddenSize(), config.layerNormEps());
    }

    private NDArray activation(NDArray x) {
        return activation(x, config.hiddenAct());
    }

    /** The fused layer norm over the last axis (one native call). Shared by the encoders of this package. */
    static NDArray layerNorm(NDArray x, NDArray g, NDArray b, int width, double eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(width), g, b, (float) eps).singletonOrThrow();
    }

    /** The MLP activation a config names: exact GELU, ReLU, or the tanh approximation (gelu_new and its aliases). */
    static NDArray activation(NDArray x, String name) {
        return switch (name) {
            case "gelu" -> x.getNDArrayInternal().gelu();
            case "relu" -> x.getNDArrayInternal().relu();
            default -> x.mul(x).mul(0.044715).add(1.0).mul(x).mul(Math.sqrt(2.0 / Math.PI)).tanh().add(1.0).mul(x)
                    .mul(0.5);
        };
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


        private Tape(NDArray x1, InputSpace space) {
            this.space = space;
            NDArray h = space == InputSpace.PIXELS ? embed(x1) : x1.reshape(1, config.numTokens(), config.hiddenSize());
            int last = weights.layers.size() - 1;
            for (int l = 0; l <= last; l++) {
                h = block(h, weights.layers.get(l), l == last, saved);
            }
            if (last < 0) {
                h = h.get(":, 0:1, :");
            }
            NDArray[] ln = norm(h, weights.finalLnG, weights.finalLnB);
            finalNorm = new Norm(ln[1], ln[2], weights.finalLnG);
            NDArray rep = ln[0].reshape(1, config.hiddenSize());
            NDArray logits = rep.matMul(weights.classifierW).add(weights.classifierB);
            output = NDArrays.concat(new NDList(logits, rep), 1);
        }

        /** The readout at the point: (1, L + d), logits then the [CLS] representation. */
        public NDArray output() {
            return output;
        }

        /**
         * Rows of cotangents on the readout, (k, L + d), to rows of vector-Jacobian products on the input,
         * (k, n): row i is c_iᵀ J.
         */
        public NDArray pullback(NDArray cot) {
            int d = config.hiddenSize();
            int labels = config.numLabels();
            long kRows = cot.getShape().get(0);
            NDArray df = cot.get(":, 0:" + labels).matMul(weights.classifierWT).add(cot.get(":, " + labels + ":"));
            NDArray dh = normBackward(df.reshape(kRows, 1, d), finalNorm);
            for (int l = weights.layers.size() - 1; l >= 0; l--) {
                dh = backward(dh, weights.layers.get(l), saved.get(l));
            }
            if (weights.layers.isEmpty()) {
                dh = padTokens(dh, config.numTokens());
            }
            if (space == InputSpace.EMBEDDINGS) {
                return dh.reshape(kRows, config.embeddingDimension());
            }
            int g = config.gridSize();
            int p = config.patchSize();
            int c = config.numChannels();
            NDArray dPatches = dh.get(":, 1:, :").matMul(weights.patchWT); // (k, N, CPP)
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
}
