package org.leafwalk.geometry;

import java.util.Random;

/**
 * A walk's random stream: java.util.Random's generator, draw for draw (the same seed gives the same numbers, so a
 * seeded walk is the one it always was), whose state can be saved and put back, so a step that is taken again (the
 * carried Jacobian's trust test refused it) takes the same random draws.
 */
final class WalkRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    /** What the stream holds: the generator's 48 bits and the second Gaussian of the last pair. */
    record State(long seed, boolean haveNextGaussian, double nextGaussian) {}

    // no initialisers: Random's constructor sets them through setSeed before this class's fields would be initialised
    private long seed;
    private boolean haveNextGaussian;
    private double nextGaussian;

    WalkRandom(long seed) {
        super(seed);
    }

    @Override
    public synchronized void setSeed(long s) {
        seed = (s ^ MULTIPLIER) & MASK;
        haveNextGaussian = false;
    }

    @Override
    protected synchronized int next(int bits) {
        seed = (seed * MULTIPLIER + ADDEND) & MASK;
        return (int) (seed >>> (48 - bits));
    }

    /** Random's polar method, with its cached second value held here. */
    @Override
    public synchronized double nextGaussian() {
        if (haveNextGaussian) {
            haveNextGaussian = false;
            return nextGaussian;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextGaussian = v2 * multiplier;
        haveNextGaussian = true;
        return v1 * multiplier;
    }

    synchronized State state() {
        return new State(seed, haveNextGaussian, nextGaussian);
    }

    synchronized void restore(State s) {
        seed = s.seed();
        haveNextGaussian = s.haveNextGaussian();
        nextGaussian = s.nextGaussian();
    }
}
