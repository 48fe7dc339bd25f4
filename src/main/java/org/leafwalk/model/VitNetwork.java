package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The forward pass of the plain-ViT families (ViT, DeiT, DINOv2, BEiT, CLIP's vision tower, as transformers'
 * modeling code runs them) in DJL NDArray operations, batched over a leading dimension and differentiable by DJL's
 * autograd; {@link VitTape} is its hand-written batched pullback.
 *
 * <p>It runs on {@link Fused} weights, derived from the raw parameters by NDArray operations so that gradients flow
 * back to the raw parameters in training: the pixel normalisation folded into the patch projection, the attention
 * scale into the query weights, layer scale into the output projections, query/key/value concatenated into one
 * matrix. Every array a pass creates is attached to its input's manager (never to the weights'), so closing one
 * sub-manager frees a step.
 */
public final class VitNetwork {
    private VitConfig config;
    private final Fused weights;
    private ZeroShot zeroShot;

    /**
     * CLIP's zero-shot classifier: {@code w} (P, L) the label prompts' normalised text embeddings times
     * exp(logit_scale), {@code wt} its (L, P) transpose.
     */
    record ZeroShot(NDArray w, NDArray wt) {}

    /**
     * One block's fused weights, with the transposes the pullback multiplies by. {@code relBias} is BEiT's relative
     * position bias (H, T, T), or null.
     */
    public record Layer(NDArray ln1G, NDArray ln1B, NDArray qkvW, NDArray qkvB, NDArray outW, NDArray outB,
            NDArray ln2G, NDArray ln2B, NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B,
            NDArray qkvWT, NDArray outWT, NDArray fc1WT, NDArray fc2WT, NDArray relBias) {}

    /**
     * @param patchW (CPP, d), normalisation folded in; {@code patchWT} is its (d, CPP) transpose
     * @param patchBiasPos (N, d): folded projection bias plus the patches' position embeddings
     * @param prefixPos (1, P, d): the prefix tokens ([CLS], distillation, registers) with their position embeddings
     * @param preNormG CLIP's layer norm before the encoder, or null (with {@code preNormB})
     * @param classifierW (F·d, L), the classifiers' scale folded in; {@code classifierWT} its (L, F·d) transpose;
     *        all three null without a classifier
     * @param projectionW (d, P) CLIP's visual projection, {@code projectionWT} its (P, d) transpose; or null
     */
    public record Fused(NDArray patchW, NDArray patchWT, NDArray patchBiasPos, NDArray prefixPos, NDArray preNormG,
            NDArray preNormB, List<Layer> layers, NDArray finalLnG, NDArray finalLnB, NDArray classifierW,
            NDArray classifierWT, NDArray classifierB, NDArray projectionW, NDArray projectionWT) {}

    public VitNetwork(VitConfig config, Fused weights) {
        this.config = config;
        this.weights = weights;
    }

    public VitConfig config() {
        return config;
    }

    /** A CLIP model's label prompts, with the config that names them as its labels. */
    void setZeroShot(VitConfig labelled, ZeroShot z) {
        this.config = labelled;
        this.zeroShot = z;
    }

    ZeroShot zeroShot() {
        return zeroShot;
    }

    private FiniteProbe probe; // set only while a diagnosis runs the forward pass (see firstNonFinite)

    private NDArray seen(String stage, NDArray a) {
        return probe == null ? a : probe.check(stage, a);
    }

    /** As {@link #seen(String, NDArray)} for a stage of a block, named only when a diagnosis runs. */
    private NDArray seen(String block, String stage, NDArray a) {
        return probe == null ? a : probe.check(block + stage, a);
    }

    /**
     * The first stage of the forward pass at {@code x} (B, n) whose values are not all finite ("block 2's
     * attention scores (Inf)"), or null when the output is finite: the diagnosis of a non-finite output, run again
     * with every stage read back.
     */
    public String firstNonFinite(NDArray x, InputSpace space) {
        probe = new FiniteProbe();
        try {
            seen("the output", readout(x, space));
            return probe.first();
        } finally {
            probe = null;
        }
    }

    public Fused weights() {
        return weights;
    }

    /** Derives the fused weights from raw parameters with NDArray operations (differentiable; see {@link VitFusion}). */
    public static Fused fuse(VitParameters p) {
        return VitFusion.fuse(p);
    }

    public int readoutWidth() {
        return config.numLabels() + config.representationSize();
    }

    /** Class logits (B, L) of pixels (B, C*H*W) in [0,1]. */
    public NDArray logits(NDArray pixels) {
        NDArray out = readout(pixels, InputSpace.PIXELS);
        return out.get(":, 0:" + config.numLabels());
    }

    /**
     * The model as a map of the flattened input point: (B, n) to (B, L + r), the logits then the representation.
     * Every intermediate array is attached to the input's manager, so closing it frees the step.
     */
    public NDArray readout(NDArray x, InputSpace space) {
        NDArray h = encoderInput(x, space);
        int last = weights.layers.size() - 1;
        int rows = config.arch().headRows(config.numTokens());
        for (int l = 0; l <= last; l++) {
            // the last block only computes the rows the head reads: queries and MLP on them, keys and values on all
            h = block(h, weights.layers.get(l), l == last ? rows : 0, null);
            if (probe != null) {
                probe.check("block " + (l + 1) + "'s output", h);
            }
        }
        if (last < 0) {
            h = h.get(":, 0:" + rows + ", :");
        }
        return seen(config.arch().zeroShot() ? "the head (the final layer norm, the projection and exp(logit_scale) × "
                + "the cosines with the prompts)" : "the head (the final layer norm and the classifier)",
                VisionHead.forward(config, weights, zeroShot, h, null));
    }

    /** The encoder's input: the embeddings module's output, through CLIP's pre-encoder layer norm. */
    private NDArray encoderInput(NDArray x, InputSpace space) {
        NDArray emb = seen(space == InputSpace.PIXELS ? "the patch embeddings" : "the input embeddings",
                space == InputSpace.PIXELS ? embed(x) : x.reshape(-1, config.numTokens(), config.hiddenSize()));
        return weights.preNormG == null ? emb : seen("the pre-encoder layer norm",
                layerNorm(emb, weights.preNormG, weights.preNormB));
    }

    /**
     * Like {@link #readout}, but the representation columns are the [CLS] state after block {@code layer}
     * (1 ≤ layer ≤ L): the raw residual stream for an inner block, the model's own representation after the last.
     * The logits are the model's own, so the prediction is still shown.
     */
    public NDArray readoutAtLayer(NDArray x, InputSpace space, int layer) {
        int layers = weights.layers.size();
        if (layer < 1 || layer > layers) {
            throw new IllegalArgumentException("layer " + layer + " of a model with layers 1 to " + layers);
        }
        if (layer == layers) {
            return readout(x, space);
        }
        NDArray h = encoderInput(x, space);
        NDArray rep = null;
        for (int l = 0; l < layers; l++) {
            h = block(h, weights.layers.get(l), 0, null);
            if (l == layer - 1) {
                rep = h.get(":, 0, :").reshape(-1, config.hiddenSize());
            }
        }
        NDArray out = VisionHead.forward(config, weights, zeroShot, h, null);
        NDArray logits = out.get(":, 0:" + config.numLabels());
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
        NDArray prefixRows = weights.prefixPos.broadcast(b, config.prefixTokens(), config.hiddenSize());
        prefixRows.attach(m);
        return NDArrays.concat(new NDList(prefixRows, tokens), 1);
    }

    /**
     * One pre-norm encoder block; {@code rows} &gt; 0 computes only the first rows' outputs (queries and MLP),
     * against keys and values of every token. With {@code tape} null it runs the fused layer norm and activation;
     * otherwise it computes them by hand and records what the pullback needs.
     */
    NDArray block(NDArray h, Layer w, int rows, List<VitTape.Saved> tape) {
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        String at = probe == null ? null : "block " + (blockIndex(w) + 1) + "'s ";
        NDArray[] ln1 = tape == null ? new NDArray[] {seen(at, "first layer norm", layerNorm(h, w.ln1G, w.ln1B))}
                : norm(h, w.ln1G, w.ln1B);
        NDArray qkv = seen(at, "query, key and value projections", ln1[0].matMul(w.qkvW).add(w.qkvB))
                .reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray residual = h;
        long tq = t;
        if (rows > 0 && rows < t) {
            q = q.get(":, :, 0:" + rows + ", :");
            residual = h.get(":, 0:" + rows + ", :");
            tq = rows;
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (w.relBias != null) {
            scores = scores.add(tq == t ? w.relBias : w.relBias.get(":, 0:" + tq + ", :"));
        }
        NDArray att = seen(at, "attention softmax", seen(at, "attention scores", scores).softmax(-1));
        NDArray ctxHeads = att.matMul(v);
        NDArray h1 = seen(at, "attention output", ctxHeads.transpose(0, 2, 1, 3).reshape(b, tq, d).matMul(w.outW)
                .add(w.outB).add(residual));
        if (tape == null) {
            NDArray u = seen(at, "MLP's first linear layer", seen(at, "second layer norm",
                    layerNorm(h1, w.ln2G, w.ln2B)).matMul(w.fc1W).add(w.fc1B));
            return seen(at, "MLP's second linear layer", seen(at, "MLP activation", mlp(u)).matMul(w.fc2W)
                    .add(w.fc2B)).add(h1);
        }
        NDArray[] ln2 = norm(h1, w.ln2G, w.ln2B);
        NDArray[] act = activationWithGrad(ln2[0].matMul(w.fc1W).add(w.fc1B));
        tape.add(new VitTape.Saved(new VitTape.Norm(ln1[1], ln1[2], w.ln1G), q, k, v, att,
                ctxHeads.reshape(heads, tq, 1, hd), new VitTape.Norm(ln2[1], ln2[2], w.ln2G), act[1],
                act.length > 2 ? act[2] : null, tq < t));
        return act[0].matMul(w.fc2W).add(w.fc2B).add(h1);
    }

    /** The index of a block's weights (by identity: NDArray's equals compares contents). */
    private int blockIndex(Layer w) {
        for (int i = 0; i < weights.layers.size(); i++) {
            if (weights.layers.get(i) == w) {
                return i;
            }
        }
        return -1;
    }

    /** The feed-forward's middle: the activation, or DINOv2's SwiGLU silu(x₁) ⊙ x₂ of the two halves. */
    private NDArray mlp(NDArray u) {
        if (!config.arch().swiglu()) {
            return activation(u, config.hiddenAct());
        }
        long half = u.getShape().tail() / 2;
        NDArray x1 = u.get("..., 0:" + half);
        return x1.mul(x1.getNDArrayInternal().sigmoid()).mul(u.get("..., " + half + ":"));
    }

    NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
        return layerNorm(x, g, b, config.hiddenSize(), config.layerNormEps());
    }

    /** The fused layer norm over the last axis (one native call). Shared by the encoders of this package. */
    static NDArray layerNorm(NDArray x, NDArray g, NDArray b, int width, double eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(width), g, b, (float) eps).singletonOrThrow();
    }

    /** The MLP activation a config names: exact GELU, ReLU, CLIP's quick GELU, or the tanh approximation. */
    static NDArray activation(NDArray x, String name) {
        return switch (name) {
            case "gelu" -> x.getNDArrayInternal().gelu();
            case "relu" -> x.getNDArrayInternal().relu();
            // the constants as engine-owned tensors: autograd keeps them for the backward pass (see Scalars)
            case "quick_gelu" -> x.mul(Scalars.times(x, 1.702).getNDArrayInternal().sigmoid());
            default -> Scalars.times(Scalars.times(Scalars.times(x.mul(x), 0.044715).add(1.0).mul(x),
                    Math.sqrt(2.0 / Math.PI)).tanh().add(1.0).mul(x), 0.5);
        };
    }

    /**
     * Forward pass at batch 1 that keeps what the hand-written pullback needs. Autograd would replicate the input k
     * times to get k rows of J; here the forward runs once and only the cotangents are batched (a vmap over the
     * vector-Jacobian product), which removes k − 1 forward passes from every step.
     */
    public VitTape tape(NDArray x1, InputSpace space) {
        return new VitTape(this, x1, space);
    }

    /** Layer norm that also returns x̂ and 1/σ for the pullback: {out, xhat, rstd}. */
    NDArray[] norm(NDArray x, NDArray g, NDArray b) {
        return norm(x, g, b, config.layerNormEps());
    }

    /** {out, x̂, 1/σ} of a layer norm over the last axis (shared by the encoders' pullbacks). */
    static NDArray[] norm(NDArray x, NDArray g, NDArray b, double eps) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray xc = x.sub(mean);
        NDArray rstd = xc.mul(xc).mean(new int[] {-1}, true).add(eps).sqrt().pow(-1);
        NDArray xhat = xc.mul(rstd);
        return new NDArray[] {xhat.mul(g).add(b), xhat, rstd};
    }

    /**
     * {act(u), act'(u)} for the configured activation; for SwiGLU {out, x₂ ⊙ silu'(x₁), silu(x₁)}, the two halves'
     * derivatives.
     */
    private NDArray[] activationWithGrad(NDArray u) {
        if (config.arch().swiglu()) {
            long half = u.getShape().tail() / 2;
            NDArray x1 = u.get("..., 0:" + half);
            NDArray x2 = u.get("..., " + half + ":");
            NDArray sig = x1.getNDArrayInternal().sigmoid();
            NDArray silu = x1.mul(sig);
            NDArray dsilu = sig.mul(x1.mul(sig.neg().add(1)).add(1));
            return new NDArray[] {silu.mul(x2), x2.mul(dsilu), silu};
        }
        return activationWithGrad(u, config.hiddenAct());
    }

    /** {act(u), act'(u)} for an activation {@link #activation} names (shared by the encoders' pullbacks). */
    static NDArray[] activationWithGrad(NDArray u, String name) {
        switch (name) {
            case "relu" -> {
                NDArray positive = u.gt(0).toType(u.getDataType(), false);
                return new NDArray[] {u.mul(positive), positive};
            }
            case "tanh" -> {
                NDArray th = u.tanh();
                return new NDArray[] {th, th.mul(th).neg().add(1.0)};
            }
            case "gelu" -> {
                NDArray cdf = u.mul(1 / Math.sqrt(2)).erf().add(1).mul(0.5);
                NDArray pdf = u.mul(u).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
                return new NDArray[] {u.mul(cdf), cdf.add(u.mul(pdf))};
            }
            case "quick_gelu" -> {
                NDArray sig = u.mul(1.702).getNDArrayInternal().sigmoid();
                return new NDArray[] {u.mul(sig), sig.add(u.mul(sig).mul(sig.neg().add(1)).mul(1.702))};
            }
            default -> {
                double c = Math.sqrt(2.0 / Math.PI);
                NDArray u2 = u.mul(u);
                NDArray th = u2.mul(0.044715).add(1.0).mul(u).mul(c).tanh();
                NDArray onePlus = th.add(1.0);
                NDArray value = onePlus.mul(u).mul(0.5);
                NDArray sech2 = th.mul(th).neg().add(1.0);
                NDArray grad = onePlus.mul(0.5).add(sech2.mul(u2.mul(3 * 0.044715).add(1.0)).mul(u).mul(0.5 * c));
                return new NDArray[] {value, grad};
            }
        }
    }
}
