package org.leafwalk.explore.service;

/** What {@link ServedSession} reaches of an {@link ExplorationService}: the parts its requests run on, on the worker. */
record ServiceParts(Worker worker, Workspace workspace, Matching matching, WindowExports exports, Runnable stopMotion) {}
