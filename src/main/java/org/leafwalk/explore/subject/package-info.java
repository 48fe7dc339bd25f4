/**
 * Opening models and inputs: the Explorer over a loaded model, the image or text subject walked, shipped references,
 * the engine's process settings and the weights' identity. Uses walk, model, geometry and io.
 */
package org.leafwalk.explore.subject;
