package org.leafwalk.explore.subject;

/** A point as the window shows it: an image, or a sentence's token strip. */
public sealed interface InputView permits InputView.Image, TextView {

    /**
     * The point as an image (C, H, W) in [0,1].
     *
     * @param patchResidual embedding space: per patch, the part of the embedding no image can produce (else null)
     * @param relativeResidual that part's share of the whole embedding (0 in pixel space)
     */
    record Image(double[] pixels, int channels, int size, double[] patchResidual, double relativeResidual)
            implements InputView {}
}
