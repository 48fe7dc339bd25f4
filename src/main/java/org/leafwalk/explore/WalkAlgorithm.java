package org.leafwalk.explore;

/** SiMEC stays in the input's equivalence class (null directions); SiMExp leaves it (non-null directions). */
public enum WalkAlgorithm implements Names.Named {
    SIMEC,
    SIMEXP;

    public static WalkAlgorithm parse(String s) {
        return Names.parse(values(), s, "algorithm");
    }

    /**
     * How many directions this algorithm chooses among where {@code walk} stands: SiMEC's tracked null directions,
     * SiMExp's eigendirections (the non-zero spectrum); a slider or --direction is 0 to this less one.
     */
    public int directions(Session walk) {
        var tracker = walk.walker().tracker();
        return this == SIMEC ? tracker.nullCount() : tracker.eigendirectionCount();
    }

    /** The same choice in the engine's vocabulary. */
    org.leafwalk.geometry.Algorithm engine() {
        return org.leafwalk.geometry.Algorithm.valueOf(name());
    }
}
