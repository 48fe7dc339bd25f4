package org.leafwalk.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Keeps a tracked direction's meaning across steps. Eigenvectors come back from each decomposition in arbitrary
 * order and sign: each new set is matched to the previous one by largest |overlap| and signs flipped so the overlap
 * is positive. Null directions are carried forward by projecting the previous one onto the new null space.
 */
public final class DirectionTracker {
    private final int dimension;
    private final Random rng;
    private double[][] eigen; // tracked unit eigendirections
    private int[] trackToEigen;
    private double[] trackedEigenvalues;
    private final List<double[]> nulls = new ArrayList<>();
    private final int nullCount;
    private int nullRedraws;

    public DirectionTracker(int dimension, int nullCount, Random rng) {
        this.dimension = dimension;
        this.nullCount = nullCount;
        this.rng = rng;
    }

    /** Re-aligns every tracked direction with the spectrum at a new point. */
    public void update(Spectrum s) {
        alignEigen(s);
        carryNulls(s);
    }

    private void alignEigen(Spectrum s) {
        int rank = s.rank();
        int n = dimension;
        if (eigen == null) {
            eigen = new double[rank][];
            trackToEigen = new int[rank];
            trackedEigenvalues = new double[rank];
            for (int i = 0; i < rank; i++) {
                eigen[i] = s.eigenvector(i);
                trackToEigen[i] = i;
                trackedEigenvalues[i] = s.eigenvalues()[i];
            }
            return;
        }
        if (rank > eigen.length) {
            // the rank grew: the new eigendirections are tracked after the ones already tracked
            int before = eigen.length;
            eigen = Arrays.copyOf(eigen, rank);
            trackToEigen = Arrays.copyOf(trackToEigen, rank);
            trackedEigenvalues = Arrays.copyOf(trackedEigenvalues, rank);
            Arrays.fill(trackToEigen, before, rank, -1);
        }
        int tracked = eigen.length;
        double[][] overlap = new double[tracked][rank];
        List<int[]> pairs = new ArrayList<>();
        // every tracked direction against every new eigenvector in one product (a text model's 384 × 384 × 6,144)
        double[] packed = new double[tracked * n];
        for (int i = 0; i < tracked; i++) {
            if (eigen[i] != null) {
                System.arraycopy(eigen[i], 0, packed, i * n, n);
            }
        }
        double[] all = Dense.multiplyTransposed(packed, tracked, s.eigenvectors(), rank, n);
        for (int i = 0; i < tracked; i++) {
            if (eigen[i] == null) {
                continue;
            }
            for (int j = 0; j < rank; j++) {
                overlap[i][j] = all[i * rank + j];
                pairs.add(new int[] {i, j});
            }
        }
        pairs.sort((a, b) -> Double.compare(Math.abs(overlap[b[0]][b[1]]), Math.abs(overlap[a[0]][a[1]])));
        int[] map = new int[tracked];
        Arrays.fill(map, -1);
        boolean[] taken = new boolean[rank];
        for (int[] p : pairs) {
            if (map[p[0]] < 0 && !taken[p[1]]) {
                map[p[0]] = p[1];
                taken[p[1]] = true;
            }
        }
        // a tracked direction that vanished (rank dropped) takes any eigendirection left over, else goes idle
        for (int i = 0; i < tracked; i++) {
            if (map[i] < 0) {
                for (int j = 0; j < rank; j++) {
                    if (!taken[j]) {
                        map[i] = j;
                        taken[j] = true;
                        break;
                    }
                }
            }
        }
        for (int i = 0; i < tracked; i++) {
            int j = map[i];
            if (j < 0) {
                trackedEigenvalues[i] = 0;
                continue;
            }
            double[] v = Vectors.row(s.eigenvectors(), j, n);
            if (eigen[i] != null && overlap[i][j] < 0) {
                for (int c = 0; c < n; c++) {
                    v[c] = -v[c];
                }
            }
            eigen[i] = v;
            trackedEigenvalues[i] = s.eigenvalues()[j];
        }
        trackToEigen = map;
    }

    private void carryNulls(Spectrum s) {
        List<double[]> carried = new ArrayList<>();
        for (int i = 0; i < nullCount; i++) {
            double[] v = i < nulls.size() ? nulls.get(i).clone() : Vectors.gaussian(dimension, rng);
            outsideRangeAndCarried(v, s, carried);
            // lost to the new range (or degenerate): draw afresh rather than amplify rounding noise
            if (Vectors.norm(v) < 1e-3 || !Vectors.normalize(v)) {
                v = Vectors.gaussian(dimension, rng);
                outsideRangeAndCarried(v, s, carried);
                Vectors.normalize(v);
                nullRedraws++;
            }
            carried.add(v);
        }
        nulls.clear();
        nulls.addAll(carried);
    }

    /** Removes from v its components along the range of G and along the null directions already carried. */
    private void outsideRangeAndCarried(double[] v, Spectrum s, List<double[]> carried) {
        Vectors.projectOut(v, s.eigenvectors(), s.rank());
        for (double[] u : carried) {
            double c = Vectors.dot(u, v);
            for (int j = 0; j < dimension; j++) {
                v[j] -= c * u[j];
            }
        }
    }

    /**
     * Starts tracking afresh in eigenvalue order (tracked direction i = i-th largest eigenvalue): between two drags, so
     * that a direction keeps its meaning during a drag but the list reads in order again afterwards.
     */
    public void resortEigendirections(Spectrum s) {
        eigen = null;
        alignEigen(s);
    }

    /** Draws new null directions (seeded) at the next update and now. */
    public void redrawNulls(Spectrum s) {
        nulls.clear();
        carryNulls(s);
    }

    public int eigendirectionCount() {
        return eigen == null ? 0 : eigen.length;
    }

    public int nullCount() {
        return nullCount;
    }

    /** Tracked eigendirection i, a unit vector (null when that direction left the spectrum). */
    public double[] eigendirection(int i) {
        return trackToEigen[i] < 0 ? null : eigen[i];
    }

    /** The eigenvalue tracked eigendirection i has now (0 when it left the spectrum). */
    public double trackedEigenvalue(int i) {
        return trackedEigenvalues[i];
    }

    /** Which eigenvalue index (descending order) tracked eigendirection i follows now, or -1. */
    public int eigenIndex(int i) {
        return trackToEigen[i];
    }

    public double[] nullDirection(int i) {
        return nulls.get(i);
    }

    public int nullRedraws() {
        return nullRedraws;
    }
}
