package org.leafwalk.geometry;

/**
 * The level set a corrected SiMEC stretch keeps, z = z(anchor), and the Gauss-Newton retraction back onto it: how far
 * outputs are from it, and the correction J⁺r that pulls a point back, held off the bounds where it would cross them.
 * The anchor is the selected outputs where the stretch began; the walker moves it when a new stretch begins.
 */
final class LevelSet {
    private final Bounds bounds;
    private double[] anchor;

    LevelSet(Bounds bounds) {
        this.bounds = bounds;
    }

    /** The same level set, for a walk that goes on from where {@code from}'s stands. */
    LevelSet(LevelSet from) {
        this.bounds = from.bounds;
        this.anchor = from.anchor;
    }

    /** The stretch from here keeps the outputs {@code z} (the selected outputs where it begins). */
    void anchorAt(double[] z) {
        anchor = z;
    }

    /** How far the outputs {@code z} are from the level set a SiMEC stretch keeps. */
    double[] residual(double[] z) {
        double[] r = new double[z.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = z[i] - anchor[i];
        }
        return r;
    }

    /**
     * The Gauss-Newton correction J⁺r onto the level set, with the J of {@code current}; with bounds, coordinates
     * that the correction (applied at {@code from}, the point it will be subtracted from; null: the current point)
     * would push past a bound are held and the others carry it, so clamping does not undo the correction.
     */
    double[] retraction(Linearization current, double[] r, double[] from) {
        double[] dx = current.solveMinimumNorm(r);
        if (bounds == null) {
            return dx;
        }
        double[] x = from == null ? current.point() : from;
        boolean[] held = new boolean[x.length];
        for (int pass = 0; pass < 4; pass++) {
            boolean more = false;
            for (int i = 0; i < x.length; i++) {
                double y = x[i] - dx[i];
                if (!held[i] && (y < bounds.lower()[i] || y > bounds.upper()[i])) {
                    held[i] = true;
                    more = true;
                }
            }
            if (!more) {
                break;
            }
            dx = current.solveMinimumNorm(r, held);
        }
        return dx;
    }
}
