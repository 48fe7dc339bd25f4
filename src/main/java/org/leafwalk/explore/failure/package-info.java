/**
 * Failures said in the user's words or reported as bugs: which are the user's to fix (a bad option, a refused step),
 * the exit codes, the bug files. Owns Errors, InvalidOption, StepRefused; uses io and geometry's exceptions only.
 */
package org.leafwalk.explore.failure;
