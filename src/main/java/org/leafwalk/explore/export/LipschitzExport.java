package org.leafwalk.explore.export;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.io.AtomicFiles;

/** Directional Lipschitz curves as CSV: one row per direction and ε. */
public final class LipschitzExport {
    private LipschitzExport() {}

    public static String csv(List<Analysis.Curve> curves) {
        StringBuilder b = new StringBuilder("kind,index,sqrt_rayleigh,epsilon,ratio\n");
        for (Analysis.Curve c : curves) {
            for (int j = 0; j < c.epsilons().length; j++) {
                b.append(String.format(Locale.ROOT, "%s,%d,%.9g,%.9g,%.9g%n", c.family().id(), c.index(), c.rayleigh(),
                        c.epsilons()[j], c.ratios()[j]));
            }
        }
        return b.toString();
    }

    public static void writeCsv(Path file, List<Analysis.Curve> curves) {
        AtomicFiles.writeString(file, csv(curves));
    }
}
