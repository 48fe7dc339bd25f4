package org.leafwalk.explore.walk;

import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.io.InvalidInputException;

/**
 * Everything that decides a walk besides the model and the input, as one immutable value: what the window's
 * settings edit, what the command line's options set, what a session records. {@link #DEFAULTS} are the one set of
 * defaults for all three (the first paper's step rule, δ = η·√(λmin/λmax) with η = 1).
 *
 * @param topK how many classes the class metrics see (≤ 0: all up to 10)
 * @param tau relative null threshold: λ ≤ τ·λmax counts as zero
 * @param corrected SiMEC retracts onto the level set after each step (Gauss-Newton)
 * @param nullDirections how many null directions are tracked
 * @param layer image models: whose [CLS] state the representation metric sees, the state after block
 *     {@code layer} (1 to the number of layers); 0: the model's own representation (after the last block and the
 *     final layer norm)
 * @param randomChoice the papers' choice: a uniformly random null / non-null eigendirection at every step, instead
 *     of a tracked one
 * @param tokenBlocks the authors' per-token variant (one d×d block of G per token, embedding space) instead of the
 *     exact global spectrum
 * @param embeddingBounds clamp embedding coordinates to what pixels in [0,1] can produce
 * @param jacobian how steps get their Jacobian: exactly at each, carried between linearisations while the trust
 *     test holds, or (auto) carried where an exact step is long; it changes the cost of a step, not what is walked
 */
public record Settings(
        Space space,
        Metric metric,
        int topK,
        WalkAlgorithm algorithm,
        StepLength policy,
        double eta,
        double tau,
        boolean corrected,
        long seed,
        int nullDirections,
        int layer,
        boolean randomChoice,
        boolean tokenBlocks,
        boolean embeddingBounds,
        JacobianMode jacobian) {

    /** The defaults of the window, the command line and sessions that do not say. */
    public static final Settings DEFAULTS = new Settings(Space.PIXELS, Metric.LOGITS, 0, WalkAlgorithm.SIMEC,
            StepLength.PAPER, 1.0, 1e-6, true, 42, 4, 0, false, false, false, JacobianMode.AUTO);

    public Settings {
        layer = Math.max(0, layer);
        jacobian = jacobian == null ? JacobianMode.AUTO : jacobian;
    }

    public static Settings defaults() {
        return DEFAULTS;
    }

    /** The engine's walk parameters (a block width of −1 stands for the model's token width). */
    public WalkSettings walkSettings() {
        return new WalkSettings(metric.engine(), topK, tau, policy.engine(), eta, corrected, seed, nullDirections,
                randomChoice, tokenBlocks ? -1 : 0);
    }

    /** The variant's name on the command line and in documents. */
    public String variant() {
        return tokenBlocks ? "token-blocks" : "global";
    }

    /** Refuses what no walk can use, naming the setting by its option. */
    public Settings validate() {
        return validate(false);
    }

    /** The same checks for settings a session recorded, naming each by its field ({@code settings.eta}). */
    public Settings validateRecorded() {
        return validate(true);
    }

    private Settings validate(boolean recorded) {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new InvalidInputException(said(recorded, "eta", "--eta", eta)
                    + ": the step scale η must be a positive number");
        }
        if (!(tau >= 0) || tau >= 1) {
            throw new InvalidInputException(said(recorded, "tau", "--tau", tau) + ": τ must be in [0, 1)");
        }
        if (nullDirections < 1) {
            throw new InvalidInputException(recorded ? "settings.null_directions is " + nullDirections
                    + ": at least one null direction is needed"
                    : "at least one null direction is needed, got " + nullDirections);
        }
        if (tokenBlocks && space == Space.PIXELS) {
            throw new InvalidInputException(recorded ? "settings.token_blocks is true but settings.space is pixels: "
                    + "the per-token block variant works in embedding space"
                    : "the per-token block variant works in embedding space (--space embeddings)");
        }
        return this;
    }

    private static String said(boolean recorded, String field, String option, double value) {
        return recorded ? "settings." + field + " is " + value : option + " " + value;
    }

    public Settings withSpace(Space s) {
        return new Settings(s, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withMetric(Metric m) {
        return new Settings(space, m, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withTopK(int k) {
        return new Settings(space, metric, k, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withAlgorithm(WalkAlgorithm a) {
        return new Settings(space, metric, topK, a, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withStep(StepLength p, double e) {
        return new Settings(space, metric, topK, algorithm, p, e, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withTau(double t) {
        return new Settings(space, metric, topK, algorithm, policy, eta, t, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withCorrected(boolean c) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, c, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withSeed(long s) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, s, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withNullDirections(int n) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, n, layer,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withLayer(int l) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, l,
                randomChoice, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withRandomChoice(boolean r) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                r, tokenBlocks, embeddingBounds, jacobian);
    }

    public Settings withTokenBlocks(boolean b) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, b, embeddingBounds, jacobian);
    }

    public Settings withJacobian(JacobianMode j) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, embeddingBounds, j);
    }

    public Settings withEmbeddingBounds(boolean b) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer,
                randomChoice, tokenBlocks, b, jacobian);
    }
}
