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
 * How the raw parameters of a plain ViT (Hugging Face layout) become the {@link VitNetwork.Fused} weights its forward
 * pass runs on: the pixel normalisation folded into the patch projection, the attention scale into the query weights,
 * layer scale into the output projections, query/key/value concatenated into one matrix, the position embeddings
 * added to the patches' bias and to the prefix tokens, the transposes the pullback multiplies by made once. All of it
 * by NDArray operations, so that gradients flow back to the raw parameters in training.
 */
final class VitFusion {
    private VitFusion() {}

    /** Derives the fused weights from raw parameters with NDArray operations (differentiable). */
    static VitNetwork.Fused fuse(VitParameters p) {
        VitConfig c = p.config();
        VisionArch a = c.arch();
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
        int lead = a.positionedPrefix();
        NDArray patchBiasPos = bFold.reshape(1, d).broadcast(c.numPatches(), d);
        NDList prefix = new NDList(p.get("embeddings.cls_token").reshape(1, d));
        if (a.distillationToken()) {
            prefix.add(p.get("embeddings.distillation_token").reshape(1, d));
        }
        if (a.absolutePositions()) {
            NDArray pos = p.get("embeddings.position_embeddings").reshape(-1, d);
            patchBiasPos = pos.get(lead + ":, :").add(bFold);
            for (int i = 0; i < lead; i++) {
                prefix.set(i, prefix.get(i).add(pos.get(i + ":" + (i + 1) + ", :")));
            }
        }
        if (a.registers() > 0) {
            prefix.add(p.get("embeddings.register_tokens").reshape(a.registers(), d));
        }
        NDArray prefixPos = NDArrays.concat(prefix, 0).reshape(1, a.prefixTokens(), d);
        double scale = 1.0 / Math.sqrt((double) d / c.numHeads());
        double[] relIndex = a.relativeBias() == VisionArch.RelativeBias.NONE ? null : RelativePositions.index(c.gridSize());
        List<VitNetwork.Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            NDArray q = Scalars.times(p.get(pre + "attention.attention.query.weight"), scale);
            NDArray qkvWT = NDArrays.concat(new NDList(q, p.get(pre + "attention.attention.key.weight"),
                    p.get(pre + "attention.attention.value.weight")), 0); // (3d, d)
            NDArray qkvB = NDArrays.concat(new NDList(
                    Scalars.times(p.get(pre + "attention.attention.query.bias"), scale),
                    p.get(pre + "attention.attention.key.bias"), p.get(pre + "attention.attention.value.bias")), 0);
            NDArray outWT = p.get(pre + "attention.output.dense.weight");
            NDArray outB = p.get(pre + "attention.output.dense.bias");
            NDArray fc2WT = p.get(pre + "output.dense.weight");
            NDArray fc2B = p.get(pre + "output.dense.bias");
            if (a.layerScale()) { // λ ⊙ (W x + b) = (diag λ W) x + λ ⊙ b
                NDArray l1 = p.get(pre + "lambda_1");
                NDArray l2 = p.get(pre + "lambda_2");
                outWT = outWT.mul(l1.reshape(d, 1));
                outB = outB.mul(l1);
                fc2WT = fc2WT.mul(l2.reshape(d, 1));
                fc2B = fc2B.mul(l2);
            }
            NDArray relBias = null;
            if (relIndex != null) {
                String table = a.relativeBias() == VisionArch.RelativeBias.SHARED
                        ? "encoder.relative_position_bias_table" : pre + "attention.attention.relative_position_bias_table";
                relBias = RelativePositions.bias(p.get(table), relIndex, c.numTokens(), c.numHeads());
            }
            NDArray fc1WT = p.get(pre + "intermediate.dense.weight");
            layers.add(new VitNetwork.Layer(p.get(pre + "layernorm_before.weight"), p.get(pre + "layernorm_before.bias"),
                    contiguousT(qkvWT), qkvB, contiguousT(outWT), outB, p.get(pre + "layernorm_after.weight"),
                    p.get(pre + "layernorm_after.bias"), contiguousT(fc1WT), p.get(pre + "intermediate.dense.bias"),
                    contiguousT(fc2WT), fc2B, qkvWT, outWT, fc1WT, fc2WT, relBias));
        }
        NDArray cw = null;
        NDArray cb = null;
        if (a.hasClassifier() && !a.zeroShot()) {
            cw = p.get("classifier.weight");
            cb = p.get("classifier.bias");
            if (a.logitScale() != 1) { // DeiT's teacher model: the mean of the [CLS] and distillation heads
                cw = Scalars.times(NDArrays.concat(new NDList(cw, p.get("distillation_classifier.weight")), 1),
                        a.logitScale());
                cb = Scalars.times(cb.add(p.get("distillation_classifier.bias")), a.logitScale());
            }
        }
        NDArray pw = a.projection() > 0 ? p.get("projection.weight") : null;
        return new VitNetwork.Fused(contiguousT(wFold), wFold, patchBiasPos, prefixPos,
                a.preNorm() ? p.get("pre_layernorm.weight") : null, a.preNorm() ? p.get("pre_layernorm.bias") : null,
                layers, p.get("layernorm.weight"), p.get("layernorm.bias"), cw == null ? null : contiguousT(cw), cw, cb,
                pw == null ? null : contiguousT(pw), pw);
    }

    /** The transpose as its own contiguous array: matmuls against strided views copied them on every call. */
    private static NDArray contiguousT(NDArray a) {
        Shape s = a.getShape();
        return a.transpose().flatten().reshape(s.get(1), s.get(0));
    }
}
