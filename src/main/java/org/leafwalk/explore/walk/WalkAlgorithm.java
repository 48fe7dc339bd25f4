package org.leafwalk.explore.walk;

/** SiMEC stays in the input's equivalence class (null directions); SiMExp leaves it (non-null directions). */
public enum WalkAlgorithm implements Names.Named {
    SIMEC,
    SIMEXP;

    public static WalkAlgorithm parse(String s) {
        return Names.parse(values(), s, "algorithm");
    }

    /** The same choice in the engine's vocabulary. */
    public org.leafwalk.geometry.Algorithm engine() {
        return org.leafwalk.geometry.Algorithm.valueOf(name());
    }
}
