package org.leafwalk.explore;

import java.util.Locale;

/** SiMEC stays in the input's equivalence class (null directions); SiMExp leaves it (non-null directions). */
public enum WalkAlgorithm {
    SIMEC,
    SIMEXP;

    /** The name the command line, the files and the window use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static WalkAlgorithm parse(String s) {
        for (WalkAlgorithm v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "' (simec, simexp)");
    }

    /** The same choice in the engine's vocabulary. */
    org.leafwalk.geometry.Algorithm engine() {
        return org.leafwalk.geometry.Algorithm.valueOf(name());
    }

    static WalkAlgorithm of(org.leafwalk.geometry.Algorithm v) {
        return valueOf(v.name());
    }
}
