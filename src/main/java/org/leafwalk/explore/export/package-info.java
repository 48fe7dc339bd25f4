/**
 * What leaves as files: pictures, animated GIFs, figures (PNG, SVG), CSV and array exports, and the output plan that
 * stages every output of a run and replaces files only when all are ready. Uses session, analysis, subject, walk, io.
 */
package org.leafwalk.explore.export;
