package org.leafwalk.explore.analysis;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.geometry.Vectors;

/** What a representation match reports: the document match.json holds, and a line for the terminal. */
public final class MatchReport {
    private MatchReport() {}

    /** The match's summary (what match.json holds, after the caller's model, source and target). */
    public static void describe(Match match, Map<String, Object> o, int layer, String sourceRef, String targetRef) {
        Readout end = match.model.readout(match.m.current().output());
        double[] result = match.m.current().point();
        o.put("mode", match.keep ? "keep-representation" : "match-representation");
        o.put("layer", layer <= 0 ? match.model.config().numLayers() : layer);
        o.put("source", sourceRef);
        o.put("target", targetRef);
        o.put("steps", match.last == null ? 0 : match.last.step());
        o.put("stopped", match.last == null ? "" : match.last.reason());
        o.put("initial_distance", match.m.initialDistance());
        o.put("final_distance", match.m.distance(match.m.current().selected()));
        o.put("initial_pixel_distance", Vectors.distance(match.source, match.target));
        o.put("final_pixel_distance", Vectors.distance(result, match.target));
        o.put("pixels_in_range", match.box.contains(result));
        o.put("source_prediction", Json.prediction(match.sourceRead));
        o.put("target_prediction", Json.prediction(match.targetRead));
        o.put("final_prediction", Json.prediction(end));
    }

    /** One line for the terminal. */
    public static String summary(Match match, Path out) {
        Readout end = match.model.readout(match.m.current().output());
        return String.format(Locale.ROOT, "%s: representation distance %.4g -> %.4g in %d steps (%s); %s (p=%.3f) -> "
                        + "%s (p=%.3f), target %s; pixel distance to the target %.3g -> %.3g; written to %s",
                match.keep ? "keep" : "match", match.m.initialDistance(),
                match.m.distance(match.m.current().selected()), match.last == null ? 0 : match.last.step(),
                match.last == null ? "" : match.last.reason(), match.sourceRead.label(),
                match.sourceRead.confidence(), end.label(),
                end.confidence(), match.targetRead.label(), Vectors.distance(match.source, match.target),
                Vectors.distance(match.current(), match.target), out);
    }
}
