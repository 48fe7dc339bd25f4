/**
 * What is computed about a point beyond the walk: Lipschitz ratios and per-layer spectra, representation matching,
 * benchmarks. Uses subject, walk, geometry, model and io; draws nothing (export does).
 */
package org.leafwalk.explore.analysis;
