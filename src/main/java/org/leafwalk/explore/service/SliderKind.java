package org.leafwalk.explore.service;

/** Which group of sliders a drag belongs to. */
public enum SliderKind {
    /** "Changes the prediction": a tracked eigendirection with a non-zero eigenvalue (SiMExp). */
    EIGEN,
    /** "Keeps the prediction": a tracked null direction (SiMEC). */
    NULL
}
