package org.leafwalk.explore;

import java.util.List;
import org.leafwalk.geometry.Lipschitz;

/** Results the compute service publishes besides the walk's snapshots: immutable numbers for the window. */
public sealed interface Analysis {
    /** Directional Lipschitz curves at a step of the walk. */
    record LipschitzCurves(int step, String metric, int layer, String precision, List<Lipschitz.Curve> curves)
            implements Analysis {}

    /** The spectrum of G for each layer's [CLS] state (representation metric, M = I) at a step of the walk. */
    record LayerSpectra(int step, String space, List<Layer> layers) implements Analysis {}

    /** One layer's spectrum: its non-zero eigenvalues (descending), rank and the input dimension. */
    record Layer(int layer, double[] eigenvalues, int rank, int dimension) {}

    /**
     * Progress of a representation match.
     *
     * @param keep true: the source's representation is kept while the pixels approach the target; false: the
     *     walk heads for the target's representation
     * @param distance the representation distance to the goal (keep: the drift from the source's)
     * @param pixelDistance the pixel distance from the current point to the target image
     */
    record Match(boolean keep, int step, int budget, double[] source, double[] current, double[] target,
            int channels, int size, double distance, double initialDistance, double pixelDistance,
            List<String> labels, double[] probabilities, int prediction, int sourcePrediction, int targetPrediction,
            boolean done, String reason) implements Analysis {}
}
