package org.leafwalk.geometry;

/** A computation produced something the walk must not use (NaN, Inf, an empty direction); the step is refused. */
public class GeometryException extends RuntimeException {
    public GeometryException(String message) {
        super(message);
    }
}
