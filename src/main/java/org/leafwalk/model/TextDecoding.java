package org.leafwalk.model;

/**
 * An embedding sequence read back as tokens.
 *
 * @param original the sentence's tokens
 * @param nearest per position, the vocabulary token whose input embedding is nearest
 * @param residual per position, the distance to that token's embedding
 * @param norm per position, the length of the embedding (for a relative residual)
 * @param changed per position, whether the nearest token differs from the original
 * @param viaHead per position, the masked-LM head's token (explored positions; the original elsewhere), or null
 * @param decodedText the decoded tokens as text (special tokens left out)
 * @param decodedOutput the model's output row on the decoded tokens
 */
public record TextDecoding(String[] original, String[] nearest, double[] residual, double[] norm, boolean[] changed,
        String[] viaHead, String decodedText, double[] decodedOutput) {

    public int changedCount() {
        int n = 0;
        for (boolean c : changed) {
            n += c ? 1 : 0;
        }
        return n;
    }
}
