package org.leafwalk.explore.export;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.Csv;

/** Directional Lipschitz curves as CSV: one row per direction and ε. */
public final class LipschitzExport {
    private LipschitzExport() {}

    public static String csv(List<Analysis.Curve> curves) {
        Csv csv = new Csv(List.of("kind", "index", "sqrt_rayleigh", "epsilon", "ratio"));
        for (Analysis.Curve c : curves) {
            for (int j = 0; j < c.epsilons().length; j++) {
                csv.row(List.of(c.family().id(), Integer.toString(c.index()), g9(c.rayleigh()), g9(c.epsilons()[j]),
                        g9(c.ratios()[j])));
            }
        }
        return csv.toString();
    }

    private static String g9(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    public static void writeCsv(Path file, List<Analysis.Curve> curves) {
        AtomicFiles.writeString(file, csv(curves));
    }
}
