package org.leafwalk.explore.walk;

/**
 * How a walk's steps get their Jacobian: exactly at every step, or carried between linearisations while a
 * trust test holds ({@link org.leafwalk.geometry.JacobianReuse}); {@code AUTO} carries it where an exact
 * linearisation costs more than {@link #AUTO_FLOPS} floating-point operations (about 250 ms on two cores, as on
 * ViT-Base-sized models). The choice rests on the step's cost, never on a clock, so a walk is the same on every
 * machine.
 */
public enum JacobianMode implements Names.Named {
    EXACT,
    REUSE,
    AUTO;

    /** Above this an exact step is too slow to follow a hand (150 GFLOP/s is this machine's best), and AUTO carries J. */
    public static final double AUTO_FLOPS = 37.5e9;

    public static JacobianMode parse(String s) {
        return Names.parse(values(), s, "jacobian");
    }

    /** Whether a walk whose exact linearisation costs {@code flops} carries J between steps. */
    public boolean reuses(double flops) {
        return this == REUSE || (this == AUTO && flops > AUTO_FLOPS);
    }
}
