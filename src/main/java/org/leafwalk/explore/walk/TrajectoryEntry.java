package org.leafwalk.explore.walk;

/**
 * One recorded point of a walk.
 *
 * @param direction which slider or algorithm moved here ("start", "null:0", "eigen:2", ...)
 * @param point the input point itself (pixels or embeddings), so the walk reopens at any step without recomputing
 * @param topEigenvalues up to ten largest eigenvalues of G here
 * @param carried whether the step kept the last Jacobian (a trust-region step, one forward pass) instead of
 *     computing it here; its eigenvalues are then those of the point where J was computed
 */
public record TrajectoryEntry(
        int step,
        String direction,
        double delta,
        double[] point,
        double[] probabilities,
        int prediction,
        double[] topEigenvalues,
        double kl,
        double distance,
        boolean carried) {
    /** How many of the largest eigenvalues an entry keeps (and the exports write, NaN past the rank). */
    public static final int EIGENVALUES = 10;

    /** A step at its own Jacobian. */
    public TrajectoryEntry(int step, String direction, double delta, double[] point, double[] probabilities,
            int prediction, double[] topEigenvalues, double kl, double distance) {
        this(step, direction, delta, point, probabilities, prediction, topEigenvalues, kl, distance, false);
    }
}
