package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StepPolicyTest {
    private final Spectrum s = new Spectrum(new double[] {4.0, 1.0, 0.25, 1e-12}, 3, new double[3 * 100], 100, 1e-6);

    @Test
    void paperScalesByTheConditionOfTheNonZeroSpectrum() {
        assertEquals(2 * Math.sqrt(0.25 / 4.0), StepPolicy.PAPER.delta(2, s, 0), 1e-12);
    }

    @Test
    void authorsCodeUsesTheZeroEigenvaluesOfG() {
        assertEquals(10 / Math.sqrt(4.0 / 1e-6), StepPolicy.AUTHORS_CODE.delta(10, s, 0), 1e-12);
    }

    @Test
    void fixedAndOutputSpeed() {
        assertEquals(0.3, StepPolicy.FIXED.delta(0.3, s, 123), 0);
        // along the top eigendirection the predicted output change √(δ²λ) equals η
        double d = StepPolicy.OUTPUT_SPEED.delta(0.1, s, 4.0);
        assertEquals(0.1, Math.sqrt(d * d * 4.0), 1e-12);
    }
}
