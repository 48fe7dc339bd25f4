package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.leafwalk.io.JsonFiles;

/**
 * Each vision family and variant, as a tiny seeded checkpoint in transformers' layout, gives the embeddings,
 * logits, representation and the spectra of J Jᵀ (logits and representation, pixel and embedding space) of an
 * independent float64 implementation written from transformers' modeling code
 * (src/test/python/make_family_fixtures.py): to 1e-4 on logits and 1e-3 relative on the top eigenvalues in
 * float32, far tighter in float64. The Jacobians here come from the hand-written batched pullback the walks use.
 * A whole CLIPModel's zero-shot logits come through its text tower and the prompts of the reference's labels.
 */
class FamilyReferenceTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({"deit,FLOAT32", "deit,FLOAT64", "deit-teacher,FLOAT32", "deit-teacher,FLOAT64", "dinov2,FLOAT32",
            "dinov2,FLOAT64", "dinov2-registers,FLOAT32", "dinov2-registers,FLOAT64", "beit,FLOAT32", "beit,FLOAT64",
            "beit-shared,FLOAT32", "beit-shared,FLOAT64", "clip-classifier,FLOAT32", "clip-classifier,FLOAT64",
            "clip-vision-projection,FLOAT32", "clip-vision-projection,FLOAT64", "clip-zero-shot,FLOAT32",
            "clip-zero-shot,FLOAT64"})
    void agreesWithTheFloat64Reference(String variant, DataType dtype) {
        Path dir = FIXTURES.resolve("family-" + variant);
        JsonObject expected = JsonFiles.readObject(dir.resolve("expected.json"));
        boolean exact = dtype == DataType.FLOAT64;
        double valueTol = exact ? 1e-9 : 1e-4;
        double spectrumTol = exact ? 1e-6 : 1e-3;
        try (VitModel m = VitModel.load(dir, Device.cpu(), dtype);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals(expected.get("architecture").getAsString(), m.config().arch().architecture());
            if (m.zeroShot()) { // the prompts "a photo of a {label}" through CLIP's text tower
                java.util.List<String> labels = new java.util.ArrayList<>();
                expected.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
                m.setLabels(labels);
                assertEquals(labels, m.config().labels());
            }
            ImageInput img = ImageInput.load(FIXTURES.resolve(expected.get("input").getAsString()), m.config());
            assertEquals(0, img.notes().size(), "the fixture image needs no conversion: " + img.notes());
            double[] emb = m.embeddingsOf(img.pixels());
            assertClose(expected.getAsJsonArray("embeddings"), emb, valueTol, "embeddings");
            int labels = m.config().numLabels();
            for (InputSpace space : InputSpace.values()) {
                double[] x = space == InputSpace.PIXELS ? img.pixels() : emb;
                NDArray x1 = nd.create(x).toType(dtype, false).reshape(1, x.length);
                double[] batched = plain(m.readout(x1, space));
                VitTape tape = m.tape(x1, space);
                double[] taped = plain(tape.output());
                for (double[] out : new double[][] {batched, taped}) {
                    assertClose(expected.getAsJsonArray("logits"), Arrays.copyOf(out, labels), valueTol, "logits");
                    assertClose(expected.getAsJsonArray("representation"),
                            Arrays.copyOfRange(out, labels, out.length), valueTol, "representation");
                }
                int width = m.readoutWidth();
                double[] jac = plain(tape.pullback(nd.eye(width).toType(dtype, false))); // (width, n) row-major
                JsonObject spectra = expected.getAsJsonObject("spectra");
                String key = space == InputSpace.PIXELS ? "pixels" : "embeddings";
                if (labels > 0) {
                    assertSpectrum(spectra.getAsJsonArray(key + "_logits"), jac, 0, labels, x.length, spectrumTol,
                            variant + " " + key + " logits");
                }
                assertSpectrum(spectra.getAsJsonArray(key + "_representation"), jac, labels, width, x.length,
                        spectrumTol, variant + " " + key + " representation");
            }
        }
    }

    private static double[] plain(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** The top eigenvalues of J Jᵀ over rows [from, to) of J agree with the reference's, relative to the largest. */
    private static void assertSpectrum(JsonArray expected, double[] jac, int from, int to, int n, double tol,
            String what) {
        int k = to - from;
        DMatrixRMaj j = new DMatrixRMaj(k, n);
        System.arraycopy(jac, from * n, j.getData(), 0, k * n);
        DMatrixRMaj g = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransB(j, j, g);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, false, true);
        assertTrue(eig.decompose(g), what + ": eigendecomposition");
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            values[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(values);
        double top = expected.get(0).getAsDouble();
        assertTrue(top > 1e-3, what + ": the reference spectrum is not degenerate");
        for (int i = 0; i < Math.min(3, expected.size()); i++) {
            double e = expected.get(i).getAsDouble();
            double a = values[k - 1 - i];
            assertEquals(e, a, tol * Math.max(Math.abs(e), 1e-2 * top), what + " eigenvalue " + i);
        }
    }

    private static void assertClose(JsonArray expected, double[] actual, double tol, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).getAsDouble();
            assertEquals(e, actual[i], tol * Math.max(1, Math.abs(e)), what + "[" + i + "]");
        }
    }
}
