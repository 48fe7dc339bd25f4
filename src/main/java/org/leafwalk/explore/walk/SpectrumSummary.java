package org.leafwalk.explore.walk;

/**
 * The spectrum of G at a point, as numbers.
 *
 * @param dimension n, the input dimension
 * @param rank the rank of G (eigenvalues above τ·λmax)
 * @param eigenvalues the non-zero spectrum, descending
 * @param gramEigenvalues every eigenvalue of the k×k Gram matrix, null ones included
 * @param selectedOutputs the output coordinates the metric sees
 */
public record SpectrumSummary(int dimension, int rank, double tau, double[] eigenvalues, double[] gramEigenvalues,
        int[] selectedOutputs) {}
