package org.leafwalk.geometry;

/**
 * One step of a walk: where it went and what the model looks like there.
 *
 * @param direction which direction was taken ("null:0", "eigen:2", "blocks:null", ...)
 * @param delta the step length δ (mean over tokens for the block variant)
 * @param distance Euclidean distance of the new point from the start
 * @param blocked coordinates whose outward motion the bounds blocked
 * @param correction norm of the Gauss-Newton retraction applied (0 when uncorrected)
 */
public record StepOutcome(
        int step,
        Algorithm algorithm,
        String direction,
        double delta,
        Linearization state,
        double distance,
        int blocked,
        double correction) {

    public double[] point() {
        return state.point();
    }
}
