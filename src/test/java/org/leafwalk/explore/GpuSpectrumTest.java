package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.model.InputSpace;

/**
 * The spectrum of G on the GPU equals the CPU's to 1e-3 (relative) on the shipped model, in both spaces. Runs only
 * where the engine sees a GPU (a build with the CUDA native library, `-Pgpu`); skipped otherwise.
 */
class GpuSpectrumTest {
    @Test
    void theGpuSpectrumMatchesTheCpuSpectrum() {
        assumeTrue(EngineSetup.gpuAvailable(), "no GPU visible to the engine");
        var model = References.model("default");
        try (Explorer cpu = Explorer.open(model, Device.cpu(), DataType.FLOAT32);
                Explorer gpu = Explorer.open(model, Device.gpu(), DataType.FLOAT32)) {
            for (InputSpace space : InputSpace.values()) {
                double[] x = cpu.startPoint(cpu.loadImage(References.input("sample:14", model)), space);
                var fc = cpu.map(space);
                var fg = gpu.map(space);
                OutputSpec spec = OutputSpec.choose(OutputMetric.LOGITS, Linearization.evaluate(fc, x),
                        fc.logitCount(), 0);
                double[] a = Linearization.at(fc, spec, x, 1e-6).spectrum().nonzeroEigenvalues();
                double[] b = Linearization.at(fg, spec, x, 1e-6).spectrum().nonzeroEigenvalues();
                assertEquals(a.length, b.length, space + ": rank");
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-3 * Math.abs(a[0]), space + ": eigenvalue " + i);
                }
            }
        }
    }
}
