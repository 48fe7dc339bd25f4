package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vision family's head on the last block's output H (B, rows, d): the pooled features ({@link VisionArch.Feature}:
 * a normalised row, the mean of the normalised patch rows, the norm of their mean, their plain mean), the
 * classifier over the concatenated logit features, and the representation (through CLIP's projection); with the
 * hand-written pullback of the same.
 */
final class VisionHead {
    private VisionHead() {}

    /** What the head's pullback needs from its forward pass. */
    static final class Saved {
        VitTape.Norm rows; // the head's layer norm over every row, when a feature reads normalised rows
        VitTape.Norm pooled; // the layer norm of the patch mean (BEiT), when a feature reads it
        NDArray embedding; // CLIP's image embedding (1, P) and its norm, for the zero-shot head
        NDArray norm;
    }

    /** (B, L + r): the logits, then the representation. With {@code saved} non-null, computed by hand and kept. */
    static NDArray forward(VitConfig c, VitNetwork.Fused w, VitNetwork.ZeroShot zs, NDArray h, Saved saved) {
        VisionArch a = c.arch();
        int prefix = c.prefixTokens();
        NDArray normed = null;
        NDArray pooledNorm = null;
        Map<VisionArch.Feature, NDArray> features = new LinkedHashMap<>();
        for (VisionArch.Feature f : a.features()) {
            if (features.containsKey(f) || f.pool() == VisionArch.Pool.ZERO_SHOT) {
                continue;
            }
            NDArray v;
            switch (f.pool()) {
                case ROW, MEAN_OF_NORMED -> {
                    if (normed == null) {
                        normed = saved == null ? VitNetwork.layerNorm(h, w.finalLnG(), w.finalLnB(), c.hiddenSize(),
                                c.layerNormEps()) : keep(c, h, w, saved, true);
                    }
                    v = f.pool() == VisionArch.Pool.ROW ? normed.get(":, " + f.row() + ", :")
                            : normed.get(":, " + prefix + ":, :").mean(new int[] {1});
                }
                case NORM_OF_MEAN -> {
                    NDArray mean = h.get(":, " + prefix + ":, :").mean(new int[] {1});
                    if (pooledNorm == null) {
                        pooledNorm = saved == null ? VitNetwork.layerNorm(mean, w.finalLnG(), w.finalLnB(),
                                c.hiddenSize(), c.layerNormEps()) : keep(c, mean, w, saved, false);
                    }
                    v = pooledNorm;
                }
                default -> v = h.get(":, " + prefix + ":, :").mean(new int[] {1});
            }
            features.put(f, v);
        }
        NDList out = new NDList();
        NDArray rep = features.get(a.representation());
        NDArray embedding = w.projectionW() == null ? rep : rep.matMul(w.projectionW());
        if (a.zeroShot()) {
            // exp(s) · cos(e, t_i): the normalised embedding against the scaled, normalised prompt embeddings
            NDArray norm = embedding.mul(embedding).sum(new int[] {-1}, true).sqrt();
            if (saved != null) {
                saved.embedding = embedding;
                saved.norm = norm;
            }
            return NDArrays.concat(new NDList(embedding.div(norm).matMul(zs.w()), embedding), 1);
        }
        if (a.hasClassifier()) {
            NDList in = new NDList();
            for (VisionArch.Feature f : a.logits()) {
                in.add(features.get(f));
            }
            NDArray x = in.size() == 1 ? in.get(0) : NDArrays.concat(in, 1);
            out.add(x.matMul(w.classifierW()).add(w.classifierB()));
        }
        out.add(embedding);
        return out.size() == 1 ? out.get(0) : NDArrays.concat(out, 1);
    }

    private static NDArray keep(VitConfig c, NDArray x, VitNetwork.Fused w, Saved saved, boolean rows) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray xc = x.sub(mean);
        NDArray rstd = xc.mul(xc).mean(new int[] {-1}, true).add(c.layerNormEps()).sqrt().pow(-1);
        NDArray xhat = xc.mul(rstd);
        VitTape.Norm n = new VitTape.Norm(xhat, rstd, w.finalLnG());
        if (rows) {
            saved.rows = n;
        } else {
            saved.pooled = n;
        }
        return xhat.mul(w.finalLnG()).add(w.finalLnB());
    }

    /** Cotangent rows on the readout (k, L + r) to cotangents on H (k, rows, d). */
    static NDArray backward(VitConfig c, VitNetwork.Fused w, VitNetwork.ZeroShot zs, Saved saved, NDArray cot,
            long rows) {
        VisionArch a = c.arch();
        int d = c.hiddenSize();
        int labels = c.numLabels();
        long k = cot.getShape().get(0);
        Map<VisionArch.Feature, NDArray> grads = new LinkedHashMap<>();
        NDArray dEmbedding = cot.get(":, " + labels + ":");
        if (a.zeroShot()) {
            // through ê = e/|e|: de = (dê − ê (ê·dê)) / |e|
            NDArray unit = saved.embedding.div(saved.norm);
            NDArray dUnit = cot.get(":, 0:" + labels).matMul(zs.wt());
            NDArray along = dUnit.mul(unit).sum(new int[] {-1}, true);
            dEmbedding = dEmbedding.add(dUnit.sub(unit.mul(along)).div(saved.norm));
        } else if (a.hasClassifier()) {
            NDArray dx = cot.get(":, 0:" + labels).matMul(w.classifierWT()); // (k, F·d)
            List<VisionArch.Feature> fs = a.logits();
            for (int i = 0; i < fs.size(); i++) {
                NDArray g = fs.size() == 1 ? dx : dx.get(":, " + i * d + ":" + (i + 1) * d);
                grads.merge(fs.get(i), g, NDArray::add);
            }
        }
        grads.merge(a.representation(), w.projectionWT() == null ? dEmbedding : dEmbedding.matMul(w.projectionWT()),
                NDArray::add);
        int prefix = c.prefixTokens();
        NDArray dNormed = null;
        NDArray dRaw = null;
        for (Map.Entry<VisionArch.Feature, NDArray> e : grads.entrySet()) {
            VisionArch.Feature f = e.getKey();
            NDArray g = e.getValue().reshape(k, 1, d);
            if (f.pool() == VisionArch.Pool.NORM_OF_MEAN) {
                g = VitTape.normBackward(g, saved.pooled.xhat().reshape(1, 1, d), saved.pooled.rstd().reshape(1, 1, 1),
                        saved.pooled.gamma());
            }
            NDArray spread = g.mul(weightsOver(cot, f, rows, prefix)); // (k, rows, d)
            if (f.pool() == VisionArch.Pool.ROW || f.pool() == VisionArch.Pool.MEAN_OF_NORMED) {
                dNormed = dNormed == null ? spread : dNormed.add(spread);
            } else {
                dRaw = dRaw == null ? spread : dRaw.add(spread);
            }
        }
        NDArray dh = dNormed == null ? null : VitTape.normBackward(dNormed, saved.rows);
        return dh == null ? dRaw : dRaw == null ? dh : dh.add(dRaw);
    }

    /** The feature's weight on each row of H, (1, rows, 1): one-hot for a row, 1/N on the patch rows for a mean. */
    private static NDArray weightsOver(NDArray like, VisionArch.Feature f, long rows, int prefix) {
        double[] s = new double[(int) rows];
        if (f.pool() == VisionArch.Pool.ROW) {
            s[f.row()] = 1;
        } else {
            for (int i = prefix; i < rows; i++) {
                s[i] = 1.0 / (rows - prefix);
            }
        }
        return like.getManager().create(s).toType(like.getDataType(), false).reshape(1, rows, 1);
    }
}
