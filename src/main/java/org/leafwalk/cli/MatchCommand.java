package org.leafwalk.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Frames;
import org.leafwalk.explore.Readout;
import org.leafwalk.explore.References;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.RepresentationMatch;
import org.leafwalk.io.Images;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.OutputPlan;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.VitConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "match", mixinStandardHelpOptions = true,
        description = "Walk from a source image to the representation of a target image (Gauss-Newton with a line "
                + "search, pixels kept in [0,1]); or, with --keep, keep the source's representation while the pixels "
                + "are pulled toward the target.")
final class MatchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--source", required = true, paramLabel = "INPUT", description = "An image file or sample:N.")
    String source;

    @Option(names = "--target", required = true, paramLabel = "INPUT", description = "An image file or sample:N.")
    String target;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for match.json, path.csv, result.png (and ×10), comparison.png.")
    Path out;

    @Option(names = "--keep", description = "Keep the source's representation; pull the pixels toward the target.")
    boolean keep;

    @Option(names = "--steps", defaultValue = "100", description = "Step budget (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tolerance", defaultValue = "1e-3",
            description = "Matching stops when the representation distance is below this share of the initial one "
                    + "(default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--step-size", defaultValue = "0.5",
            description = "--keep: the largest pixel move per step (default: ${DEFAULT-VALUE}).")
    double stepSize;

    @Mixin
    LayerOption layerOption;

    @Mixin
    PrecisionOption precisionOption;

    @Override
    public Integer call() {
        if (steps < 1 || tolerance < 0 || stepSize <= 0) {
            throw new IllegalArgumentException("--steps must be ≥ 1, --tolerance ≥ 0 and --step-size > 0");
        }
        if (!Double.isFinite(tolerance) || !Double.isFinite(stepSize)) {
            throw new IllegalArgumentException("--tolerance and --step-size must be numbers");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; match writes a folder of results");
        }
        long t0 = System.nanoTime();
        Path model = modelOption.path();
        var dtype = precisionOption.dataType();
        List<String> names = List.of("match.json", "path.csv", "result.png", "result-x10.png", "comparison.png");
        OutputPlan plan = new OutputPlan().input("model", model).input("source image", References.input(source, model))
                .input("target image", References.input(target, model));
        for (String n : names) {
            plan.output("--out " + out + " (" + n + ")", out.resolve(n));
        }
        plan.check();
        try (Explorer ex = Explorer.open(model, Explorer.Offline.device(common.device), dtype)) {
            if (ex.isText()) {
                throw new IllegalArgumentException("match works on image models");
            }
            VitConfig cfg = ex.config();
            ImageInput src = ex.loadImage(References.input(source, model));
            ImageInput tgt = ex.loadImage(References.input(target, model));
            DifferentiableMap f = ex.map(InputSpace.PIXELS, layerOption.layer);
            var box = ex.bounds(InputSpace.PIXELS, false);
            RepresentationMatch m = keep
                    ? RepresentationMatch.keepingRepresentation(f, src.pixels(), tgt.pixels(), box, stepSize)
                    : RepresentationMatch.toRepresentation(f, src.pixels(), tgt.pixels(), box);
            Readout srcRead = ex.readout(Linearization.evaluate(f, src.pixels()));
            Readout tgtRead = ex.readout(Linearization.evaluate(f, tgt.pixels()));
            StringBuilder csv = new StringBuilder("step,representation_distance,pixel_distance_to_target,prediction,"
                    + "probability\n");
            RepresentationMatch.Progress p = null;
            double initialPixels = distance(src.pixels(), tgt.pixels());
            csv.append(row(0, m.initialDistance(), initialPixels, srcRead));
            try (Progress progress = Progress.start(keep ? "keep" : "match", steps, "steps")) {
                for (int i = 0; i < steps; i++) {
                    p = m.step(tolerance * m.initialDistance());
                    Readout r = ex.readout(p.state().output());
                    csv.append(row(p.step(), p.distance(), distance(p.state().point(), tgt.pixels()), r));
                    progress.step();
                    progress.message(String.format(java.util.Locale.ROOT, "distance %.4g", p.distance()));
                    if (p.done()) {
                        break;
                    }
                }
            }
            double[] result = m.current().point();
            Readout end = ex.readout(m.current().output());
            plan.stage(out.resolve("path.csv"), csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            plan.stage(out.resolve("result.png"),
                    Images.encodePng(Frames.input(result, cfg.numChannels(), cfg.imageSize(), 1)));
            plan.stage(out.resolve("result-x10.png"),
                    Images.encodePng(Frames.input(result, cfg.numChannels(), cfg.imageSize(), 10)));
            plan.stage(out.resolve("comparison.png"),
                    Images.encodePng(comparison(src.pixels(), result, tgt.pixels(), cfg)));
            Map<String, Object> o = Json.object();
            o.put("model", model.toString());
            o.put("mode", keep ? "keep-representation" : "match-representation");
            o.put("layer", layerOption.layer <= 0 ? cfg.numLayers() : layerOption.layer);
            o.put("source", source);
            o.put("target", target);
            o.put("steps", p == null ? 0 : p.step());
            o.put("stopped", p == null ? "" : p.reason());
            o.put("initial_distance", m.initialDistance());
            o.put("final_distance", m.distance(m.current().selected()));
            o.put("initial_pixel_distance", initialPixels);
            o.put("final_pixel_distance", distance(result, tgt.pixels()));
            o.put("pixels_in_range", box.contains(result));
            o.put("source_prediction", Json.prediction(srcRead));
            o.put("target_prediction", Json.prediction(tgtRead));
            o.put("final_prediction", Json.prediction(end));
            o.put("files", names);
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            plan.stage(out.resolve("match.json"), (JsonFiles.toJson(o) + "\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            plan.commit();
            if (common.json) {
                System.out.println(JsonFiles.toJson(o));
            } else {
                System.out.printf("%s: representation distance %.4g -> %.4g in %d steps (%s); %s (p=%.3f) -> %s "
                                + "(p=%.3f), target %s; pixel distance to the target %.3g -> %.3g; written to %s%n",
                        keep ? "keep" : "match", m.initialDistance(), m.distance(m.current().selected()),
                        p == null ? 0 : p.step(), p == null ? "" : p.reason(), srcRead.label(),
                        srcRead.probabilities()[srcRead.prediction()], end.label(),
                        end.probabilities()[end.prediction()], tgtRead.label(), initialPixels,
                        distance(result, tgt.pixels()), out);
            }
        }
        return 0;
    }

    private static String row(int step, double dist, double pixels, Readout r) {
        return String.format(java.util.Locale.ROOT, "%d,%.9g,%.9g,%s,%.9g%n", step, dist, pixels, r.label(),
                r.probabilities()[r.prediction()]);
    }

    static BufferedImage comparison(double[] a, double[] b, double[] c, VitConfig cfg) {
        int s = 8;
        List<BufferedImage> parts = new ArrayList<>();
        for (double[] px : new double[][] {a, b, c}) {
            parts.add(Frames.input(px, cfg.numChannels(), cfg.imageSize(), s));
        }
        int w = parts.get(0).getWidth();
        BufferedImage img = new BufferedImage(3 * w + 16, w, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < 3; i++) {
            g.drawImage(parts.get(i), i * (w + 8), 0, null);
        }
        g.dispose();
        return img;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
