package org.leafwalk.geometry;

/** A computation produced something the walk must not use (NaN, Inf, an empty direction); the step is refused. */
public class GeometryException extends RuntimeException {
    public GeometryException(String message) {
        super(message);
    }

    /** The model's output was NaN or Inf at a point: the point, for a diagnosis of where the forward pass left. */
    public static final class NonFinite extends GeometryException {
        private final double[] point;

        public NonFinite(String message, double[] point) {
            super(message);
            this.point = point.clone();
        }

        public double[] point() {
            return point.clone();
        }
    }
}
