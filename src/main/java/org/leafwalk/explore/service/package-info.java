/**
 * The window's compute service: one worker thread that owns the model, latest-wins motions, snapshots for the
 * window, previews, analyses, matching and exports started from the window. The top of explore: uses every other
 * part of it; used by ui, and by the bench command that drives it as the window does.
 */
package org.leafwalk.explore.service;
