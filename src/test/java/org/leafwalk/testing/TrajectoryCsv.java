package org.leafwalk.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.walk.TrajectoryEntry;

/**
 * Checks an exported trajectory CSV against the trajectory the walk recorded: a header naming the columns, then one
 * row per recorded step holding that step's numbers (step, direction, delta, distance, prediction, every class's
 * probability, the largest eigenvalues and the KL from the start), to the nine digits the CSV writes.
 */
public final class TrajectoryCsv {
    private TrajectoryCsv() {}

    public static void assertHolds(Path csv, List<TrajectoryEntry> trajectory, List<String> labels)
            throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + trajectory.size(), lines.size(), "a header and a row per recorded step: " + csv);
        List<String> header = split(lines.get(0));
        List<String> expected = new ArrayList<>(List.of("step", "direction", "delta", "distance", "prediction",
                "label"));
        labels.forEach(l -> expected.add("p_" + l));
        for (int i = 1; i <= TrajectoryEntry.EIGENVALUES; i++) {
            expected.add("lambda_" + i);
        }
        expected.add("kl_from_start");
        assertEquals(expected, header, "the columns");
        for (int i = 0; i < trajectory.size(); i++) {
            TrajectoryEntry e = trajectory.get(i);
            List<String> row = split(lines.get(i + 1));
            String at = csv.getFileName() + " row of step " + i + ": ";
            assertEquals(header.size(), row.size(), at + lines.get(i + 1));
            assertEquals(e.step(), Integer.parseInt(row.get(0)), at + "step");
            assertEquals(e.direction(), row.get(1), at + "direction");
            near(e.delta(), row.get(2), at + "delta");
            near(e.distance(), row.get(3), at + "distance");
            assertEquals(e.prediction(), Integer.parseInt(row.get(4)), at + "prediction");
            assertEquals(e.prediction() < 0 ? "—" : labels.get(e.prediction()), row.get(5), at + "label");
            for (int c = 0; c < labels.size(); c++) {
                near(e.probabilities()[c], row.get(6 + c), at + "p_" + labels.get(c));
            }
            for (int k = 0; k < TrajectoryEntry.EIGENVALUES; k++) {
                String cell = row.get(6 + labels.size() + k);
                if (k < e.topEigenvalues().length && Double.isFinite(e.topEigenvalues()[k])) {
                    near(e.topEigenvalues()[k], cell, at + "lambda_" + (k + 1));
                } else {
                    assertEquals("", cell, at + "lambda_" + (k + 1) + " past the rank");
                }
            }
            near(e.kl(), row.get(row.size() - 1), at + "kl_from_start");
        }
    }

    private static void near(double expected, String cell, String what) {
        assertEquals(expected, Double.parseDouble(cell), 1e-8 * Math.max(1e-300, Math.abs(expected)) + 1e-300,
                what);
    }

    /** One CSV line's cells (RFC 4180 quoting). */
    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
