package org.leafwalk.geometry;

import java.util.Locale;

/** SiMEC stays in the input's equivalence class (null directions); SiMExp leaves it (non-null directions). */
public enum Algorithm {
    SIMEC,
    SIMEXP;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
