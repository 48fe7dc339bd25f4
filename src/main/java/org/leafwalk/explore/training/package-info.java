/**
 * Training and evaluating the shipped ViTs on IDX data sets, with their training records. Uses export (for its
 * outputs), subject, walk, model and io.
 */
package org.leafwalk.explore.training;
