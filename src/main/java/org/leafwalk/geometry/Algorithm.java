package org.leafwalk.geometry;

import java.util.Locale;

/** SiMEC stays in the input's equivalence class (null directions); SiMExp leaves it (non-null directions). */
public enum Algorithm {
    SIMEC,
    SIMEXP;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Algorithm parse(String s) {
        for (Algorithm a : values()) {
            if (a.id().equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "' (simec, simexp)");
    }
}
