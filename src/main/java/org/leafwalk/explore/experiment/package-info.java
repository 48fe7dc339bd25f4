/**
 * The papers' protocols run as experiments: the SiMEC table and equivalence classes, run records that resume, the
 * report. Uses analysis, export, subject, walk, geometry, model and io.
 */
package org.leafwalk.explore.experiment;
