package org.leafwalk.model;

/**
 * An embedding sequence read back as an image. {@code image} holds pixel intensities (C*H*W, unclamped) from the
 * pseudo-inverse of the patch projection; the residuals measure what of the embedding no image can produce.
 */
public record EmbeddingDecoding(
        double[] image,
        double[] patchResidual,
        double residualNorm,
        double patchNorm,
        double clsDeviation) {

    /** Fraction of the patch tokens' (offset-free) norm that lies outside the image-reachable subspace. */
    public double relativeResidual() {
        return patchNorm == 0 ? 0 : residualNorm / patchNorm;
    }
}
