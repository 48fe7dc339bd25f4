package org.leafwalk.cli;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.testing.Cli;

/**
 * The window and the command line record a walk through one path: the same walk (model, input, settings, seed,
 * steps) run through the compute service and through {@code walk} writes byte-identical CSV and trajectory JSON.
 */
class OneRecordingPathTest {
    @TempDir
    Path tmp;

    private void sameFiles(String model, String input, Settings settings, WalkAlgorithm algorithm, int steps,
            String... walkOptions) throws Exception {
        Path dir = References.model(model);
        List<Notice> errors = new CopyOnWriteArrayList<>();
        Path csv = tmp.resolve("window.csv");
        Path json = tmp.resolve("window.json");
        try (ExplorationService svc = new ExplorationService("cpu", s -> { }, n -> {
            if (n.level() != Notice.Level.INFO) {
                errors.add(n);
            }
        })) {
            svc.applySettings(settings);
            svc.open(dir, input);
            for (int i = 0; i < steps; i++) {
                svc.stepOnce(algorithm);
            }
            svc.export(org.leafwalk.explore.service.ExportKind.CSV, csv, null);
            svc.export(org.leafwalk.explore.service.ExportKind.JSON, json, null);
            HangGuard.awaitIdle(svc);
        }
        assertEquals(List.of(), errors);
        List<String> args = new java.util.ArrayList<>(List.of("walk", "--device", "cpu", "--model", dir.toString(),
                "--input", input, "--algo", algorithm.id(), "--steps", Integer.toString(steps),
                "--csv", tmp.resolve("walk.csv").toString(), "--trajectory-json", tmp.resolve("walk.json").toString()));
        args.addAll(List.of(walkOptions));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        byte[] walkCsv = Files.readAllBytes(tmp.resolve("walk.csv"));
        assertEquals(steps + 2, new String(walkCsv).lines().count(), "a header, the start and every step");
        assertTrue(new String(walkCsv).contains(algorithm == WalkAlgorithm.SIMEC ? ",null:0," : ",eigen:0,"));
        assertArrayEquals(walkCsv, Files.readAllBytes(csv), "the CSV of the window and of walk");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("walk.json")), Files.readAllBytes(json),
                "the trajectory JSON of the window and of walk");
    }

    @Test
    void anImageWalkIsRecordedTheSameByTheWindowAndTheCommandLine() throws Exception {
        sameFiles("default", "sample:14", Settings.DEFAULTS, WalkAlgorithm.SIMEC, 6);
    }

    @Test
    void aSimexpWalkWithOtherSettingsToo() throws Exception {
        sameFiles("default", "sample:3", Settings.DEFAULTS.withStep(StepLength.FIXED, 0.05).withSeed(7)
                .withNullDirections(4), WalkAlgorithm.SIMEXP, 5, "--step-policy", "fixed", "--eta", "0.05",
                "--seed", "7");
    }

    @Test
    void aSentenceWalkToo() throws Exception {
        sameFiles("minilm", "text:I loved this movie", Settings.DEFAULTS, WalkAlgorithm.SIMEC, 3);
    }
}
