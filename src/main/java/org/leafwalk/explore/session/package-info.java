/**
 * One walk and its file: the Session (walker, trajectory, settings), the session format, and the checks a saved
 * session passes before it reopens. Uses subject, walk, failure, geometry and io.
 */
package org.leafwalk.explore.session;
