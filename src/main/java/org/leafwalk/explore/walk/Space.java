package org.leafwalk.explore.walk;

/** Where the walk happens: the image the user sees (pixels in [0,1]), or the token embedding sequence the encoder reads. */
public enum Space implements Names.Named {
    PIXELS,
    EMBEDDINGS;

    public static Space parse(String s) {
        return Names.parse(values(), s, "space");
    }

    /** The same choice in the engine's vocabulary. */
    public org.leafwalk.model.InputSpace engine() {
        return org.leafwalk.model.InputSpace.valueOf(name());
    }
}
