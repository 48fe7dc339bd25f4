package org.leafwalk.explore.analysis;

import java.util.List;
import java.util.Locale;

/** Results the compute service publishes besides the walk's snapshots: immutable numbers for the window. */
public sealed interface Analysis {
    /** Which family a direction of a Lipschitz estimate comes from. */
    enum Family {
        EIGEN,
        NULL,
        RANDOM;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Directional Lipschitz ratios ‖f(x + εv) − f(x)‖ / ε along one direction.
     *
     * @param index the eigendirection's rank (0 = top), or the draw's number for null and random directions
     * @param rayleigh √(vᵀGv), the ratio's limit as ε → 0
     */
    record Curve(Family family, int index, double rayleigh, double[] epsilons, double[] ratios) {}

    /** Directional Lipschitz curves at a step of the walk (rank and dimension of G there). */
    record LipschitzCurves(int step, String metric, int layer, String precision, int rank, int dimension,
            List<Curve> curves) implements Analysis {}

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
