package org.leafwalk.explore.service;

/** What can be exported from the window. */
public enum ExportKind {
    /** The last Lipschitz estimates as CSV. */
    LIPSCHITZ_CSV,
    SESSION,
    CSV,
    JSON,
    /** The trajectory's arrays as safetensors (points, probabilities, eigenvalues; the settings as metadata). */
    SAFETENSORS,
    /** The same arrays as a NumPy .npz archive. */
    NPZ,
    GIF,
    PNG
}
