package org.leafwalk.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which classes the output panel shows of many, and how it shortens a long label. */
class OutputRowsTest {
    @Test
    void aFewClassesAreAllShownInTheirOrder() {
        assertArrayEquals(new int[] {0, 1, 2}, OutputRows.shown(new double[] {0.2, 0.5, 0.3}, new int[] {1}, 0, -1));
    }

    @Test
    void ofAThousandTheTopTenTheTrackedTheStartAndTheOneFoundAreShownMostProbableFirst() {
        double[] p = new double[1000];
        Random rng = new Random(3);
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextDouble() * 1e-3;
        }
        for (int i = 0; i < 10; i++) {
            p[100 + i] = 0.05 + i * 0.001; // the top ten: 100 to 109, 109 the most probable
        }
        int[] shown = OutputRows.shown(p, new int[] {500, 501, 100}, 900, 42);
        assertEquals(14, shown.length, "ten, two more tracked, the start and the one found");
        assertEquals(109, shown[0]);
        for (int i = 1; i < shown.length; i++) {
            assertEquals(true, p[shown[i]] <= p[shown[i - 1]], "most probable first");
        }
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int s : shown) {
            set.add(s);
        }
        for (int c : new int[] {100, 105, 109, 500, 501, 900, 42}) {
            assertEquals(true, set.contains(c), "class " + c + " is shown");
        }
    }

    @Test
    void aLongLabelIsShortenedToItsFirstNameAndToTheWidth() {
        assertEquals("tench", OutputRows.shortLabel("tench, Tinca tinca"));
        assertEquals("great white shark", OutputRows.shortLabel("great white shark, white shark, man-eater"));
        assertEquals("a label far too long …", OutputRows.shortLabel("a label far too long for the panel"));
        assertEquals(OutputRows.LABEL_CHARS, OutputRows.shortLabel("a label far too long for the panel").length());
    }
}
