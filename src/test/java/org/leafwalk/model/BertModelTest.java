package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/**
 * A tiny random BERT checkpoint in the Hugging Face layout, built here, against a reference forward written
 * independently below with plain loops (post-norm blocks, exact GELU, additive padding mask).
 */
class BertModelTest {
    static final int V = 30;
    static final int D = 8;
    static final int H = 2;
    static final int L = 2;
    static final int I = 16;
    static final int P = 16;

    @TempDir
    Path tmp;

    final Map<String, Tensor> w = new LinkedHashMap<>();
    final Random rng = new Random(21);

    private float[] put(String name, double scale, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (scale == 0 ? 1 + 0.1 * rng.nextGaussian() : rng.nextGaussian() * scale);
        }
        w.put("bert." + name, new Tensor("bert." + name, shape, data));
        return data;
    }

    private Path checkpoint() throws Exception {
        put("embeddings.word_embeddings.weight", 0.5, V, D);
        put("embeddings.position_embeddings.weight", 0.3, P, D);
        put("embeddings.token_type_embeddings.weight", 0.3, 2, D);
        put("embeddings.LayerNorm.weight", 0, D);
        put("embeddings.LayerNorm.bias", 0.1, D);
        for (int l = 0; l < L; l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"query", "key", "value"}) {
                put(p + "attention.self." + m + ".weight", 0.4, D, D);
                put(p + "attention.self." + m + ".bias", 0.1, D);
            }
            put(p + "attention.output.dense.weight", 0.4, D, D);
            put(p + "attention.output.dense.bias", 0.1, D);
            put(p + "attention.output.LayerNorm.weight", 0, D);
            put(p + "attention.output.LayerNorm.bias", 0.1, D);
            put(p + "intermediate.dense.weight", 0.4, I, D);
            put(p + "intermediate.dense.bias", 0.1, I);
            put(p + "output.dense.weight", 0.3, D, I);
            put(p + "output.dense.bias", 0.1, D);
            put(p + "output.LayerNorm.weight", 0, D);
            put(p + "output.LayerNorm.bias", 0.1, D);
        }
        Path dir = Files.createDirectories(tmp.resolve("tiny-bert"));
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": " + V
                + ", \"hidden_size\": " + D + ", \"num_hidden_layers\": " + L + ", \"num_attention_heads\": " + H
                + ", \"intermediate_size\": " + I + ", \"hidden_act\": \"gelu\", \"layer_norm_eps\": 1e-12,"
                + " \"max_position_embeddings\": " + P + ", \"type_vocab_size\": 2}");
        return dir;
    }

    @Test
    void matchesAnIndependentReferenceForwardWithPadding() throws Exception {
        Path dir = checkpoint();
        long[][] ids = {{2, 7, 11, 5, 3, 0}, {2, 9, 3, 0, 0, 0}};
        long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}};
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            NDArray idArr = nd.create(ids);
            NDArray typeArr = nd.zeros(new Shape(2, 6), DataType.INT64);
            NDArray maskArr = nd.create(mask);
            NDArray emb = m.embed(idArr, typeArr);
            double[] out = m.encode(emb, maskArr).toDoubleArray();
            for (int b = 0; b < 2; b++) {
                double[][] ref = reference(ids[b], mask[b]);
                for (int t = 0; t < 6; t++) {
                    if (mask[b][t] == 0) {
                        continue; // padding positions are not part of the contract
                    }
                    for (int j = 0; j < D; j++) {
                        assertEquals(ref[t][j], out[(b * 6 + t) * D + j], 1e-9, "b" + b + " t" + t + " j" + j);
                    }
                }
            }
        }
    }

    @Test
    void aTextLongerThanThePositionTableIsRefused() throws Exception {
        Path dir = checkpoint();
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT32);
                NDManager nd = m.manager().newSubManager()) {
            var e = assertThrows(InvalidInputException.class,
                    () -> m.embed(nd.zeros(new Shape(1, P + 4), DataType.INT64),
                            nd.zeros(new Shape(1, P + 4), DataType.INT64)));
            assertTrue(e.getMessage().contains("at most " + P), e.getMessage());
        }
    }

    private double[] f(String name) {
        float[] a = w.get("bert." + name).data();
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private double[][] reference(long[] ids, long[] mask) {
        int t = ids.length;
        double[][] h = new double[t][D];
        double[] we = f("embeddings.word_embeddings.weight");
        double[] pe = f("embeddings.position_embeddings.weight");
        double[] te = f("embeddings.token_type_embeddings.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < D; j++) {
                h[i][j] = we[(int) ids[i] * D + j] + pe[i * D + j] + te[j];
            }
            h[i] = ln(h[i], f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias"));
        }
        int hd = D / H;
        for (int l = 0; l < L; l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(h, f(p + "attention.self.query.weight"), f(p + "attention.self.query.bias"), D);
            double[][] k = linear(h, f(p + "attention.self.key.weight"), f(p + "attention.self.key.bias"), D);
            double[][] v = linear(h, f(p + "attention.self.value.weight"), f(p + "attention.self.value.bias"), D);
            double[][] ctx = new double[t][D];
            for (int head = 0; head < H; head++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < hd; c++) {
                            dot += q[i][head * hd + c] * k[j][head * hd + c];
                        }
                        s[j] = dot / Math.sqrt(hd) + (mask[j] == 1 ? 0 : -1e4);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < hd; c++) {
                            ctx[i][head * hd + c] += s[j] / z * v[j][head * hd + c];
                        }
                    }
                }
            }
            double[][] a = linear(ctx, f(p + "attention.output.dense.weight"), f(p + "attention.output.dense.bias"), D);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < D; j++) {
                    a[i][j] += h[i][j];
                }
                a[i] = ln(a[i], f(p + "attention.output.LayerNorm.weight"), f(p + "attention.output.LayerNorm.bias"));
            }
            double[][] u = linear(a, f(p + "intermediate.dense.weight"), f(p + "intermediate.dense.bias"), I);
            for (double[] row : u) {
                for (int j = 0; j < I; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            double[][] o = linear(u, f(p + "output.dense.weight"), f(p + "output.dense.bias"), D);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < D; j++) {
                    o[i][j] += a[i][j];
                }
                o[i] = ln(o[i], f(p + "output.LayerNorm.weight"), f(p + "output.LayerNorm.bias"));
            }
            h = o;
        }
        return h;
    }

    /** y = x Wᵀ + b with W stored (out, in) as torch.nn.Linear does. */
    private static double[][] linear(double[][] x, double[] wt, double[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int c = 0; c < in; c++) {
                    s += x[i][c] * wt[o * in + c];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private static double[] ln(double[] x, double[] g, double[] b) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + 1e-12) * g[i] + b[i];
        }
        return y;
    }

    /** erf: Taylor series below 3, the asymptotic series of erfc above (both well under 1e-10 there). */
    private static double erf(double x) {
        double a = Math.abs(x);
        if (a > 3) {
            double x2 = a * a;
            double erfc = Math.exp(-x2) / (a * Math.sqrt(Math.PI))
                    * (1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2) + 105 / (16 * x2 * x2 * x2 * x2));
            return Math.signum(x) * (1 - erfc);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 80; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
