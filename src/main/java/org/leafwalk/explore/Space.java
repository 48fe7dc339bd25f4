package org.leafwalk.explore;

import java.util.Locale;

/** Where the walk happens: the image the user sees (pixels in [0,1]), or the token embedding sequence the encoder reads. */
public enum Space {
    PIXELS,
    EMBEDDINGS;

    /** The name the command line, the files and the window use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Space parse(String s) {
        for (Space v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown space '" + s + "' (pixels, embeddings)");
    }

    /** The same choice in the engine's vocabulary. */
    org.leafwalk.model.InputSpace engine() {
        return org.leafwalk.model.InputSpace.valueOf(name());
    }

    static Space of(org.leafwalk.model.InputSpace v) {
        return valueOf(v.name());
    }
}
