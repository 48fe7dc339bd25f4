package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.RandomModels;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.model.InputSpace;
import org.leafwalk.testing.TinyVit;

/** J from the one batched backward pass equals central finite differences on a tiny ViT. */
class JacobianFiniteDifferenceTest {
    @TempDir
    static Path tmp;

    @ParameterizedTest
    @CsvSource({"PIXELS,LOGITS", "PIXELS,PROBS", "EMBEDDINGS,LOGITS", "EMBEDDINGS,REPRESENTATION"})
    void batchedBackwardMatchesCentralDifferences(InputSpace space, OutputMetric metric) {
        Path dir = TinyVit.write(tmp, "fd-" + space + metric, TinyVit.small(), 5);
        try (Explorer ex = Explorer.open(dir, Device.cpu(), DataType.FLOAT64)) {
            double[] pixels = TinyVit.blob(1, 12, 2);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = 0.1 + 0.8 * pixels[i]; // away from kinks: a smooth point
            }
            double[] x = space == InputSpace.PIXELS ? pixels : ex.model().embeddingsOf(pixels);
            DifferentiableMap f = ex.map(space);
            OutputSpec spec = OutputSpec.choose(metric, Linearization.evaluate(f, x), f.logitCount(), 4);
            Linearization lin = Linearization.at(f, spec, x, 1e-9);
            int n = x.length;
            int k = spec.size();
            double[] jac = lin.jacobian();
            double h = 1e-5;
            double errSq = 0;
            double normSq = 0;
            double worstRow = 0;
            double[][] fd = new double[k][n];
            for (int j = 0; j < n; j++) {
                double[] xp = x.clone();
                double[] xm = x.clone();
                xp[j] += h;
                xm[j] -= h;
                double[] zp = spec.select(Linearization.evaluate(f, xp));
                double[] zm = spec.select(Linearization.evaluate(f, xm));
                for (int i = 0; i < k; i++) {
                    fd[i][j] = (zp[i] - zm[i]) / (2 * h);
                }
            }
            for (int i = 0; i < k; i++) {
                double re = 0;
                double rn = 0;
                for (int j = 0; j < n; j++) {
                    double d = fd[i][j] - jac[i * n + j];
                    re += d * d;
                    rn += fd[i][j] * fd[i][j];
                }
                errSq += re;
                normSq += rn;
                worstRow = Math.max(worstRow, Math.sqrt(re / Math.max(rn, 1e-300)));
            }
            double rel = Math.sqrt(errSq / normSq);
            assertTrue(normSq > 0, "Jacobian must not vanish");
            assertTrue(rel < 1e-3, "relative error of J " + rel);
            assertTrue(worstRow < 1e-3, "worst row relative error " + worstRow);
        }
    }

    /** The hand-written batched pullback (the fast path) equals DJL autograd on the replicated batch. */
    @ParameterizedTest
    @CsvSource({"PIXELS,LOGITS", "PIXELS,PROBS", "PIXELS,FISHER", "EMBEDDINGS,REPRESENTATION", "EMBEDDINGS,PROBS"})
    void fastPullbackEqualsAutograd(InputSpace space, OutputMetric metric) {
        Path dir = TinyVit.write(tmp, "vjp-" + space + metric, TinyVit.small(), 8);
        try (Explorer ex = Explorer.open(dir, Device.cpu(), DataType.FLOAT64)) {
            double[] pixels = TinyVit.blob(1, 12, 5);
            double[] x = space == InputSpace.PIXELS ? pixels : ex.model().embeddingsOf(pixels);
            DifferentiableMap f = ex.map(space);
            OutputSpec spec = OutputSpec.choose(metric, Linearization.evaluate(f, x), f.logitCount(), 0);
            double[] fast = Linearization.at(f, spec, x, 1e-9, false).jacobian();
            double[] slow = Linearization.at(f, spec, x, 1e-9, true).jacobian();
            // the replicated batch in chunks of 3 rows (as an image-sized input is split) gives the same rows
            double[] chunked = Linearization.at(f, spec, x, 1e-9, true, 3L * x.length).jacobian();
            double err = 0;
            double chunkErr = 0;
            double norm = 0;
            for (int i = 0; i < fast.length; i++) {
                err += (fast[i] - slow[i]) * (fast[i] - slow[i]);
                chunkErr += (chunked[i] - slow[i]) * (chunked[i] - slow[i]);
                norm += slow[i] * slow[i];
            }
            assertTrue(norm > 0);
            assertTrue(Math.sqrt(err / norm) < 1e-10, "relative difference " + Math.sqrt(err / norm));
            assertTrue(Math.sqrt(chunkErr / norm) < 1e-12, "chunked autograd differs by " + Math.sqrt(chunkErr / norm));
        }
    }

    /**
     * Every vision family init-vit writes (its own layout, read back by its loader): the hand-written pullback
     * equals autograd through the batched forward pass, in both spaces.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"vit-backbone", "deit", "deit-teacher", "dinov2",
        "dinov2-swiglu", "dinov2-registers", "beit", "beit-shared", "clip", "clip-vision", "clip-zero-shot"})
    void everyFamilysPullbackEqualsAutograd(String family) {
        Path dir = tmp.resolve("family-" + family);
        RandomModels.write(dir, family, 8, 2, 3, 8, 2, 2, 24, 3, 4);
        try (Explorer ex = Explorer.open(dir, Device.cpu(), DataType.FLOAT64)) {
            assertTrue(ex.facts().startsWith(ex.config().family() + " · "), ex.facts());
            double[] pixels = TinyVit.blob(3, 8, 5);
            for (InputSpace space : InputSpace.values()) {
                double[] x = space == InputSpace.PIXELS ? pixels : ex.model().embeddingsOf(pixels);
                DifferentiableMap f = ex.map(space);
                OutputMetric metric = f.logitCount() > 0 ? OutputMetric.LOGITS : OutputMetric.REPRESENTATION;
                OutputSpec spec = OutputSpec.choose(metric, Linearization.evaluate(f, x), f.logitCount(), 0);
                double[] fast = Linearization.at(f, spec, x, 1e-9, false).jacobian();
                double[] slow = Linearization.at(f, spec, x, 1e-9, true).jacobian();
                double err = 0;
                double norm = 0;
                for (int i = 0; i < fast.length; i++) {
                    err += (fast[i] - slow[i]) * (fast[i] - slow[i]);
                    norm += slow[i] * slow[i];
                }
                assertTrue(norm > 0, family + " " + space);
                assertTrue(Math.sqrt(err / norm) < 1e-10, family + " " + space + ": relative difference "
                        + Math.sqrt(err / norm));
            }
        }
    }
}
