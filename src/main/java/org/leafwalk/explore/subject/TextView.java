package org.leafwalk.explore.subject;

import java.util.List;

/**
 * What the window shows of a text walk: the token strip and the consistency check.
 *
 * @param kind zero-shot, masked-LM or classifier
 * @param original the sentence's tokens
 * @param nearest per position, the nearest vocabulary token to the current embedding
 * @param residual per position, the distance to that token's embedding
 * @param relativeResidual per position, that distance over the embedding's length
 * @param changed per position, whether the decoded token differs from the original
 * @param selected per position, whether the walk moves it
 * @param viaHead per position, the masked-LM head's token (null without a head)
 * @param decodedText the decoded tokens as text
 * @param decodedPrediction the model's prediction on the decoded tokens
 * @param decodedProbabilities the model's distribution on the decoded tokens
 */
public record TextView(
        String sentence,
        String kind,
        List<String> original,
        List<String> nearest,
        double[] residual,
        double[] relativeResidual,
        boolean[] changed,
        boolean[] selected,
        List<String> viaHead,
        String decodedText,
        int decodedPrediction,
        double[] decodedProbabilities,
        List<String> zeroShotLabels) implements InputView {

    public int changedCount() {
        int n = 0;
        for (boolean c : changed) {
            n += c ? 1 : 0;
        }
        return n;
    }
}
