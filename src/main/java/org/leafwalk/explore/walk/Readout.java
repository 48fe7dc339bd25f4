package org.leafwalk.explore.walk;

import java.util.Arrays;
import java.util.List;
import org.leafwalk.geometry.OutputSpec;

/** What the model says at a point, as plain numbers: logits, probabilities, the prediction, the representation. */
public record Readout(double[] logits, double[] probabilities, int prediction, String label, double[] representation) {

    /** The read-out of a model output; without classes (a backbone) the prediction is −1 and the label empty. */
    public static Readout of(double[] output, List<String> labels) {
        int l = labels.size();
        if (l == 0) {
            return new Readout(new double[0], new double[0], -1, "", output.clone());
        }
        double[] logits = Arrays.copyOf(output, l);
        double[] p = OutputSpec.softmax(output, l);
        int best = 0;
        for (int i = 1; i < l; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return new Readout(logits, p, best, labels.get(best), Arrays.copyOfRange(output, l, output.length));
    }

    /** The predicted class's probability; NaN for a model without classes. */
    public double confidence() {
        return prediction < 0 ? Double.NaN : probabilities[prediction];
    }

    /** A class's name, or "—" for the prediction of a model without classes (index −1). */
    public static String labelOf(List<String> labels, int index) {
        return index < 0 ? "—" : labels.get(index);
    }

    /** A class's probability, or NaN for the prediction of a model without classes (index −1). */
    public static double probabilityOf(double[] probabilities, int index) {
        return index < 0 ? Double.NaN : probabilities[index];
    }

    /** KL(p_start ‖ p_here): how far the predictive distribution has moved from the start. */
    public double klFrom(Readout start) {
        double kl = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = start.probabilities[i];
            if (p > 0) {
                kl += p * Math.log(p / Math.max(probabilities[i], 1e-300));
            }
        }
        return kl;
    }
}
