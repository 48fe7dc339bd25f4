package org.leafwalk.explore;

/** What can be exported from the window. */
public enum ExportKind {
    /** The last Lipschitz estimates as CSV. */
    LIPSCHITZ_CSV,
    SESSION,
    CSV,
    JSON,
    GIF,
    PNG
}
