package org.leafwalk.geometry;

/**
 * The non-zero spectrum of the pullback metric G = Jᵀ M J, exact, from the k×k Gram matrix.
 *
 * @param eigenvalues all eigenvalues of the Gram matrix, descending, clipped at 0 (G has these plus n − k zeros)
 * @param rank how many exceed τ·λ_max: the eigendirections that change the output
 * @param eigenvectors the unit eigenvectors of those, rank × n row-major, orthonormal
 * @param dimension n, the input dimension
 * @param tau the relative threshold that separated "non-zero" from "null"
 */
public record Spectrum(double[] eigenvalues, int rank, double[] eigenvectors, int dimension, double tau) {

    public double lambdaMax() {
        return eigenvalues.length == 0 ? 0 : eigenvalues[0];
    }

    /** Smallest eigenvalue counted as non-zero (λ_max when the rank is 0 or 1). */
    public double lambdaMinNonzero() {
        return rank == 0 ? lambdaMax() : eigenvalues[rank - 1];
    }

    /** Smallest eigenvalue of G itself: 0 whenever n exceeds the number of outputs. */
    public double lambdaMinAll() {
        if (dimension > eigenvalues.length) {
            return 0;
        }
        return eigenvalues.length == 0 ? 0 : eigenvalues[eigenvalues.length - 1];
    }

    public double[] eigenvector(int i) {
        if (i < 0 || i >= rank) {
            throw new IndexOutOfBoundsException("eigendirection " + i + " of " + rank);
        }
        return Vectors.row(eigenvectors, i, dimension);
    }

    public double[] nonzeroEigenvalues() {
        return java.util.Arrays.copyOf(eigenvalues, rank);
    }
}
