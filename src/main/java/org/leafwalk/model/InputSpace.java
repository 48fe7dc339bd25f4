package org.leafwalk.model;

import java.util.Locale;

/** Where the walk happens: the image the user sees, or the token embedding sequence the encoder reads. */
public enum InputSpace {
    PIXELS,
    EMBEDDINGS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
