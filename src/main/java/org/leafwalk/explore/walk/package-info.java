/**
 * The words a walk is set up and recorded in: settings and their named choices (space, metric, step length,
 * algorithm, Jacobian mode), readouts, recorded steps and recordings, JSON builders. Uses geometry, model and io only
 * to translate its choices into the engine's; knows no other part of explore.
 */
package org.leafwalk.explore.walk;
