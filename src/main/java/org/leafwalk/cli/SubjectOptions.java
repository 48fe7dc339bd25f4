package org.leafwalk.cli;

import picocli.CommandLine.Mixin;

/** What inspect, walk and lipschitz read to open their {@link Subject}: model and metric, input, text, layer. */
final class SubjectOptions {
    @Mixin
    ExploreOptions explore;

    @Mixin
    InputOption input;

    @Mixin
    TextOptions text;

    @Mixin
    LayerOption layer;
}
