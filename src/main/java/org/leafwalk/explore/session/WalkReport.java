package org.leafwalk.explore.session;

import java.util.Map;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.geometry.Walker;

/** What a walk's report says of it beyond its steps (the JSON that {@code walk --json} prints). */
public final class WalkReport {
    private WalkReport() {}

    /**
     * What the walk's Jacobians were: the mode, whether steps carry J, how many steps stood on a carried J, how many
     * exact ones were computed after the start, how many carried steps the trust test refused (each redone with an
     * exact J); with a note when it refused every one, so that the walk took exact steps only.
     */
    public static Map<String, Object> jacobian(Session walk, int steps, int carriedSteps) {
        Walker walker = walk.walker();
        Map<String, Object> o = Json.object();
        o.put("mode", walk.settings().jacobian().id());
        o.put("carries", walk.carriesJacobian());
        o.put("carried_steps", carriedSteps);
        o.put("refreshes", walker.jacobianRefreshes());
        o.put("trust_refusals", walker.trustRefusals());
        o.put("chord_corrections", walker.chordCorrections());
        if (walk.carriesJacobian() && walker.trustRefusals() > 0 && walker.trustedSteps() == 0) {
            o.put("note", "the trust test failed on every carried step: each was redone with an exact Jacobian, so "
                    + "the walk took exact steps only");
        }
        return o;
    }
}
