package org.leafwalk.explore;

/** Which failures are the user's to fix (a bad file, option or input), said in their own words. */
public final class Errors {
    private Errors() {}

    /** A refused input, option or computation whose message says all; anything else is a fault of Leafwalk. */
    public static boolean expected(Throwable e) {
        return e instanceof org.leafwalk.io.InvalidInputException || e instanceof IllegalArgumentException
                || e instanceof org.leafwalk.geometry.GeometryException || e instanceof Session.StepRefused;
    }
}
