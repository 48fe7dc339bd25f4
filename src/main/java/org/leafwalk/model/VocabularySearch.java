package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nearest vocabulary token of an embedding: per position t, argmin over the vocabulary v of
 * ‖x_t − LayerNorm(w_v + p_t + τ_t)‖, exact up to float32 rounding. The LayerNorm is expanded algebraically so the
 * search is a (V × d)·(d × T) product and a pass over V×T scalars, instead of normalising the vocabulary once per
 * position. What depends only on the model is computed once and kept.
 */
final class VocabularySearch {
    private final TextModel model;
    private final BertModel bert;
    // per vocabulary row Σw, Σw², Σg²w², Σg²w; then the LayerNorm's g and b, the position and type tables
    private double[][] decodingStats;
    // W·q and W·(g²⊙q) per (position, token type), q = p + τ: fixed for the model, kept once computed
    private final Map<Long, float[][]> positionProducts = new ConcurrentHashMap<>();

    VocabularySearch(TextModel model, BertModel bert) {
        this.model = model;
        this.bert = bert;
    }

    /**
     * Per position t, argmin over the vocabulary v of ‖x_t − LayerNorm(w_v + p_t + τ_t)‖, exact up to float32
     * rounding. The LayerNorm is expanded algebraically so the search is a (V × d)·(d × T) product and a pass over
     * V×T scalars, instead of normalising the vocabulary once per position.
     */
    TextModel.NearestTokens nearest(double[] x, long[] types) {
        int t = x.length / bert.config().embeddingSize();
        int[] all = new int[t];
        for (int i = 0; i < t; i++) {
            all[i] = i;
        }
        return nearest(x, types, all, new long[t]);
    }

    /**
     * The same search at the positions {@code search} only; every other position keeps its id from {@code fixed}
     * (a walk moves only the selected tokens, whose neighbours stay exactly on their own embeddings). Distances and
     * norms are given for every position.
     *
     * <p>Expanding LayerNorm(w + q) with q = p_t + τ_t needs w·q, w·(g²⊙q) and w·(g⊙(x_t − b)) for every vocabulary
     * row w. The first two depend only on the position and its type, so they are computed once per (position, type)
     * and kept; a call multiplies the vocabulary by one column per searched position.
     */
    TextModel.NearestTokens nearest(double[] x, long[] types, int[] search, long[] fixed) {
        int d = bert.config().embeddingSize();
        int t = x.length / d;
        int v = bert.config().vocabSize();
        double eps = bert.config().layerNormEps();
        double[][] st = decodingStats();
        double[] g = st[4];
        double[] b = st[5];
        double g2sum = 0;
        for (double gi : g) {
            g2sum += gi * gi;
        }
        int n = search.length;
        float[][] wq = new float[n][];
        float[][] wg2q = new float[n][];
        positionProducts(search, types, wq, wg2q);
        float[] m = new float[n * d];
        double[][] q = new double[n][];
        double[][] a = new double[n][d];
        for (int s = 0; s < n; s++) {
            int i = search[s];
            q[s] = positionPart(i, (int) types[i]);
            for (int j = 0; j < d; j++) {
                a[s][j] = g[j] * (x[i * d + j] - b[j]);
                m[s * d + j] = (float) a[s][j];
            }
        }
        float[] wa = n == 0 ? new float[0] : vocabularyTimes(m, n); // (V, n): W·a_s at [v·n + s]
        long[] ids = fixed.clone();
        for (int s = 0; s < n; s++) {
            int i = search[s];
            double sq = 0;
            double q2 = 0;
            double sa = 0;
            double aq = 0;
            double g2q = 0;
            double g2q2 = 0;
            double y2 = 0;
            for (int j = 0; j < d; j++) {
                double qj = q[s][j];
                sq += qj;
                q2 += qj * qj;
                sa += a[s][j];
                aq += a[s][j] * qj;
                g2q += g[j] * g[j] * qj;
                g2q2 += g[j] * g[j] * qj * qj;
                double y = x[i * d + j] - b[j];
                y2 += y * y;
            }
            float[] cq = wq[s];
            float[] cg = wg2q[s];
            double best = Double.POSITIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < v; k++) {
                double mu = (st[0][k] + sq) / d;
                double var = (st[1][k] + 2 * cq[k] + q2) / d - mu * mu;
                double inv = 1 / Math.sqrt(Math.max(var, 0) + eps);
                double cross = (wa[k * n + s] + aq - mu * sa) * inv;
                double g2u2 = st[2][k] + 2 * cg[k] + g2q2;
                double g2u = st[3][k] + g2q;
                double self = (g2u2 - 2 * mu * g2u + mu * mu * g2sum) * inv * inv;
                double dd = y2 - 2 * cross + self;
                if (dd < best) {
                    best = dd;
                    arg = k;
                }
            }
            ids[i] = arg;
        }
        // the residual of the chosen token, recomputed directly in double precision
        double[] chosen = model.embeddingsOf(ids, types);
        double[] dist = new double[t];
        double[] norms = new double[t];
        for (int i = 0; i < t; i++) {
            double e2 = 0;
            double x2 = 0;
            for (int j = 0; j < d; j++) {
                double e = x[i * d + j] - chosen[i * d + j];
                e2 += e * e;
                x2 += x[i * d + j] * x[i * d + j];
            }
            dist[i] = Math.sqrt(e2);
            norms[i] = Math.sqrt(x2);
        }
        return new TextModel.NearestTokens(ids, dist, norms);
    }

    /** p_i + τ_type: the position's part of the LayerNorm's input. */
    private double[] positionPart(int i, int type) {
        double[][] st = decodingStats();
        int d = bert.config().embeddingSize();
        double[] q = new double[d];
        for (int j = 0; j < d; j++) {
            q[j] = st[6][i * d + j] + st[7][type * d + j];
        }
        return q;
    }

    /** W·q and W·(g²⊙q) for each searched position, computed in one product for those not yet kept. */
    private synchronized void positionProducts(int[] search, long[] types, float[][] wq, float[][] wg2q) {
        double[] g = decodingStats()[4];
        int d = bert.config().embeddingSize();
        int v = bert.config().vocabSize();
        Map<Long, Integer> missing = new LinkedHashMap<>(); // key -> position
        for (int i : search) {
            long key = productKey(i, types[i]);
            if (!positionProducts.containsKey(key)) {
                missing.putIfAbsent(key, i);
            }
        }
        if (!missing.isEmpty()) {
            List<Integer> positions = new ArrayList<>(missing.values());
            float[] m = new float[2 * positions.size() * d];
            for (int c = 0; c < positions.size(); c++) {
                int i = positions.get(c);
                double[] q = positionPart(i, (int) types[i]);
                for (int j = 0; j < d; j++) {
                    m[2 * c * d + j] = (float) q[j];
                    m[(2 * c + 1) * d + j] = (float) (g[j] * g[j] * q[j]);
                }
            }
            int k = 2 * positions.size();
            float[] r = vocabularyTimes(m, k);
            for (int c = 0; c < positions.size(); c++) {
                int i = positions.get(c);
                float[] cq = new float[v];
                float[] cg = new float[v];
                for (int row = 0; row < v; row++) {
                    cq[row] = r[row * k + 2 * c];
                    cg[row] = r[row * k + 2 * c + 1];
                }
                positionProducts.put(productKey(i, types[i]), new float[][] {cq, cg});
            }
        }
        for (int s = 0; s < search.length; s++) {
            float[][] kept = positionProducts.get(productKey(search[s], types[search[s]]));
            wq[s] = kept[0];
            wg2q[s] = kept[1];
        }
    }

    private static long productKey(int position, long type) {
        return ((long) position << 16) | type;
    }

    /**
     * The word-embedding table times the rows of {@code m} (k × d): V × k, row-major, so W·m_s is at [v·k + s].
     * (W·mᵀ measured 7 ms for k = 2 and 27 ms for k = 20 on one core, m·Wᵀ 18 and 27 ms.)
     */
    private float[] vocabularyTimes(float[] m, int k) {
        try (NDManager sub = bert.manager().newSubManager()) {
            NDArray w = bert.wordEmbeddings();
            NDArray mt = sub.create(m, new Shape(k, bert.config().embeddingSize())).transpose().toType(w.getDataType(), false);
            mt.attach(sub);
            NDArray prod = w.matMul(mt); // (V, k), on the model's manager
            prod.attach(sub);
            NDArray f = prod.toType(DataType.FLOAT32, false);
            f.attach(sub);
            return f.toFloatArray();
        }
    }

    /** A model array's values, the conversion freed with {@code sub}. */
    private static double[] copy(NDArray a, NDManager sub) {
        NDArray c = a.toType(DataType.FLOAT64, true);
        c.attach(sub);
        return c.toDoubleArray();
    }

    private double[][] decodingStats() {
        if (decodingStats == null) {
            int d = bert.config().embeddingSize();
            int v = bert.config().vocabSize();
            double[][] st = new double[8][];
            float[] w;
            try (NDManager sub = bert.manager().newSubManager()) {
                NDArray wf = bert.wordEmbeddings().toType(DataType.FLOAT32, true);
                wf.attach(sub);
                w = wf.toFloatArray();
                st[4] = copy(bert.embeddingNormScale(), sub);
                st[5] = copy(bert.embeddingNormOffset(), sub);
                st[6] = copy(bert.positionEmbeddings(), sub);
                st[7] = copy(bert.typeEmbeddings(), sub);
            }
            double[] g = st[4];
            for (int i = 0; i < 4; i++) {
                st[i] = new double[v];
            }
            for (int k = 0; k < v; k++) {
                for (int j = 0; j < d; j++) {
                    double wj = w[k * d + j];
                    double g2 = g[j] * g[j];
                    st[0][k] += wj;
                    st[1][k] += wj * wj;
                    st[2][k] += g2 * wj * wj;
                    st[3][k] += g2 * wj;
                }
            }
            decodingStats = st;
        }
        return decodingStats;
    }
}
