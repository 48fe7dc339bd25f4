package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Activations of one forward pass at batch 1 through a {@link VitNetwork}, and the batched vector-Jacobian product
 * through them: k cotangent rows pulled back at once, folded into the matrix dimension of every product.
 */
public final class VitTape {
    /** x̂ and 1/σ of a layer norm, and its scale, for the pullback. */
    record Norm(NDArray xhat, NDArray rstd, NDArray gamma) {}

    /**
     * What one block's pullback needs from its forward pass. {@code actGrad} is act'(u), or for SwiGLU the first
     * half's factor x₂ ⊙ silu'(x₁), with {@code actGrad2} = silu(x₁) the second half's.
     */
    record Saved(Norm ln1, NDArray q, NDArray k, NDArray v, NDArray att, NDArray ctx, Norm ln2, NDArray actGrad,
            NDArray actGrad2, boolean partial) {}

    private final VitConfig config;
    private final VitNetwork.Fused weights;
    private final InputSpace space;
    private final List<Saved> saved = new ArrayList<>();
    private final Norm preNorm;
    private final VisionHead.Saved head = new VisionHead.Saved();
    private final VitNetwork.ZeroShot zeroShot;
    private final long headRows;
    private final NDArray output;

    VitTape(VitNetwork net, NDArray x1, InputSpace space) {
        this.config = net.config();
        this.weights = net.weights();
        this.zeroShot = net.zeroShot();
        this.space = space;
        NDArray h = space == InputSpace.PIXELS ? net.embed(x1) : x1.reshape(1, config.numTokens(), config.hiddenSize());
        if (weights.preNormG() != null) {
            NDArray[] n = net.norm(h, weights.preNormG(), weights.preNormB());
            preNorm = new Norm(n[1], n[2], weights.preNormG());
            h = n[0];
        } else {
            preNorm = null;
        }
        int last = weights.layers().size() - 1;
        int rows = config.arch().headRows(config.numTokens());
        for (int l = 0; l <= last; l++) {
            h = net.block(h, weights.layers().get(l), l == last ? rows : 0, saved);
        }
        if (last < 0) {
            h = h.get(":, 0:" + rows + ", :");
        }
        headRows = h.getShape().get(1);
        output = VisionHead.forward(config, weights, zeroShot, h, head);
    }

    /** The readout at the point: (1, L + r), the logits then the representation. */
    public NDArray output() {
        return output;
    }

    /**
     * Rows of cotangents on the readout, (k, L + r), to rows of vector-Jacobian products on the input, (k, n): row
     * i is c_iᵀ J.
     */
    public NDArray pullback(NDArray cot) {
        long kRows = cot.getShape().get(0);
        NDArray dh = VisionHead.backward(config, weights, zeroShot, head, cot, headRows);
        for (int l = weights.layers().size() - 1; l >= 0; l--) {
            dh = backward(dh, weights.layers().get(l), saved.get(l));
        }
        if (dh.getShape().get(1) < config.numTokens()) {
            dh = padTokens(dh, config.numTokens());
        }
        if (preNorm != null) {
            dh = normBackward(dh, preNorm);
        }
        if (space == InputSpace.EMBEDDINGS) {
            return dh.reshape(kRows, config.embeddingDimension());
        }
        int g = config.gridSize();
        int p = config.patchSize();
        int c = config.numChannels();
        NDArray dPatches = dh.get(":, " + config.prefixTokens() + ":, :").matMul(weights.patchWT()); // (k, N, CPP)
        return dPatches.reshape(kRows, g, g, c, p, p).transpose(0, 3, 1, 4, 2, 5)
                .reshape(kRows, config.pixelDimension());
    }

    private NDArray backward(NDArray dOut, VitNetwork.Layer w, Saved s) {
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        long kRows = dOut.getShape().get(0);
        long tq = dOut.getShape().get(1);
        long t = s.k().getShape().get(2);
        // MLP with its residual
        NDArray du = dOut.matMul(w.fc2WT());
        du = s.actGrad2() == null ? du.mul(s.actGrad())
                : NDArrays.concat(new NDList(du.mul(s.actGrad()), du.mul(s.actGrad2())), -1);
        NDArray dh1 = normBackward(du.matMul(w.fc1WT()), s.ln2()).add(dOut);
        // attention with its residual
        NDArray[] dqkv3 = attentionBackward(dh1.matMul(w.outWT()), s.q(), s.k(), s.v(), s.att(), s.ctx(), heads);
        NDArray dq = dqkv3[0];
        if (s.partial()) {
            dq = padTokens(dq.reshape(kRows, tq, d), t).reshape(kRows, t, heads, hd);
            dh1 = padTokens(dh1, t);
        }
        // stacking the three views makes the single copy into the (k, T, 3, H, hd) layout of the fused QKV
        NDArray dqkv = NDArrays.stack(new NDList(dq, dqkv3[1], dqkv3[2]), 2).reshape(kRows, t, 3L * d);
        return normBackward(dqkv.matMul(w.qkvWT()), s.ln1()).add(dh1);
    }

    /**
     * The pullback of softmax attention without a mask (shared by the encoders): the context's cotangent rows
     * (k, tq, d) to those of the queries (k, tq, H, hd) and of the keys and values (k, T, H, hd), as views.
     * {@code q}, {@code k}, {@code v} are the batch-1 heads (1, H, ·, hd), {@code att} the weights (1, H, tq, T)
     * and {@code ctx} their product laid out (H, tq, 1, hd). The cotangent rows are folded into the matrix
     * dimension, laid out (head, query, row, ·), so every product is one large GEMM per head against the shared
     * batch-1 activations instead of k broadcast small ones.
     */
    static NDArray[] attentionBackward(NDArray dCtxRows, NDArray q, NDArray k, NDArray v, NDArray att, NDArray ctx,
            int heads) {
        long kRows = dCtxRows.getShape().get(0);
        long tq = dCtxRows.getShape().get(1);
        long hd = dCtxRows.getShape().get(2) / heads;
        long t = k.getShape().get(2);
        NDArray q3 = q.reshape(heads, tq, hd);
        NDArray k3 = k.reshape(heads, t, hd);
        NDArray v3 = v.reshape(heads, t, hd);
        NDArray a3 = att.reshape(heads, tq, t);
        // one contiguous copy in (head, query, row, hd) layout serves both products below as free views
        NDArray dCtx = dCtxRows.reshape(kRows, tq, heads, hd).transpose(2, 1, 0, 3).reshape(heads, tq, kRows, hd);
        NDArray dAtt = dCtx.reshape(heads, tq * kRows, hd).matMul(v3.transpose(0, 2, 1))
                .reshape(heads, tq, kRows, t);
        // softmax pullback: the row sums Σ_j A_ij dAtt_ij equal dCtx_i · ctx_i, so no extra pass over T×T
        NDArray rowDot = dCtx.mul(ctx).sum(new int[] {-1}, true); // (H, tq, k, 1)
        // in place: the T×T cotangents are the largest arrays of the pullback, and two fresh ones per block cost
        // more in allocation and memory traffic than the products around them (the MNIST shape: 197 tokens)
        NDArray dS = dAtt.subi(rowDot).muli(a3.reshape(heads, tq, 1, t));
        NDArray dq = dS.reshape(heads, tq * kRows, t).matMul(k3).reshape(heads, tq, kRows, hd)
                .transpose(2, 1, 0, 3); // view (k, tq, H, hd)
        NDArray dk = q3.transpose(0, 2, 1).matMul(dS.reshape(heads, tq, kRows * t))
                .reshape(heads, hd, kRows, t).transpose(2, 3, 0, 1); // view (k, T, H, hd)
        NDArray dv = a3.transpose(0, 2, 1).matMul(dCtx.reshape(heads, tq, kRows * hd))
                .reshape(heads, t, kRows, hd).transpose(2, 1, 0, 3); // view (k, T, H, hd)
        return new NDArray[] {dq, dk, dv};
    }

    /** Zero rows appended up to {@code t} rows: the rows a partial block did not compute get no cotangent. */
    private static NDArray padTokens(NDArray a, long t) {
        long kRows = a.getShape().get(0);
        long rows = a.getShape().get(1);
        NDArray zeros = a.getManager().zeros(new Shape(kRows, t - rows, a.getShape().get(2)), a.getDataType());
        return NDArrays.concat(new NDList(a, zeros), 1);
    }

    static NDArray normBackward(NDArray dy, Norm n) {
        return normBackward(dy, n.xhat(), n.rstd(), n.gamma());
    }

    static NDArray normBackward(NDArray dy, NDArray xhat, NDArray rstd, NDArray gamma) {
        NDArray dxhat = dy.mul(gamma);
        NDArray mean1 = dxhat.mean(new int[] {-1}, true);
        NDArray mean2 = dxhat.mul(xhat).mean(new int[] {-1}, true);
        return dxhat.sub(mean1).sub(xhat.mul(mean2)).mul(rstd);
    }
}
