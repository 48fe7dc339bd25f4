package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.failure.StepRefused;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.WalkReport;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.subject.KindOptions;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.SpectrumSummary;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.InvalidInputException;

/**
 * What {@code inspect} and {@code walk} compute, once their options are read: the input opened under the model, the
 * walk, the document they print and the files they write, as bytes. The commands run it in this process, and {@code
 * leafwalk serve} runs the same code for a client that named them with {@code --connect}; so a walk writes the same
 * files, byte for byte, wherever it was computed. Where the files go is the caller's (the client's) business.
 */
public final class CommandJob {
    /** The files a walk can write, by the option that asks for them. */
    public static final Set<String> FILES = Set.of("csv", "trajectory-json", "gif", "session", "safetensors", "npz");

    /** The most steps one walk may ask a server for. */
    public static final int MAX_REMOTE_STEPS = 100_000;

    private CommandJob() {}

    public enum Command {
        INSPECT, WALK
    }

    /**
     * The input: a reference read on this machine (a file, {@code sample:N}, {@code text:...}), or what a client sent
     * (an image file's name and bytes, a sentence).
     */
    public record Input(String ref, String imageName, byte[] image, String sentence) {
        public static Input ref(String ref) {
            return new Input(ref, null, null, null);
        }

        public static Input image(String name, byte[] data) {
            return new Input(null, name, data, null);
        }

        public static Input sentence(String sentence) {
            return new Input(null, null, null, sentence);
        }
    }

    /** A text model's explored tokens, zero-shot labels and pooling, or a CLIPModel's classes, as given. */
    public record Text(List<Integer> tokens, List<String> labels, String pooling) {
        public Text {
            tokens = List.copyOf(tokens);
            labels = List.copyOf(labels);
        }

        public static final Text NONE = new Text(List.of(), List.of(), null);

        TextSetup setup() {
            List<String> l = labels.isEmpty() ? TextSetup.SENTIMENT_LABELS
                    : labels.size() == 1 && labels.get(0).equals(KindOptions.TOPIC) ? TextSetup.TOPIC_LABELS : labels;
            return new TextSetup("", tokens.stream().mapToInt(Integer::intValue).toArray(), l, pooling);
        }
    }

    /**
     * One run of a command.
     *
     * @param modelName how the document names the model (the folder given here, a server's catalogue name)
     * @param modelRef what the recordings name it by (as the user wrote it)
     * @param spaceGiven whether --space was given (a text model refuses an explicit pixel space)
     * @param direction a walk's direction as given: an index, or {@code random}
     * @param files the files a walk writes (of {@link #FILES})
     */
    public record Request(Command command, String modelName, String modelRef, Input input, Text text,
            Settings settings, boolean spaceGiven, String direction, int steps, Set<String> files,
            Exports.GifOptions gif) {
        public Request {
            files = Set.copyOf(files);
            gif = gif == null ? Exports.GifOptions.defaults() : gif;
            if (!FILES.containsAll(files)) {
                throw new InvalidInputException("files a walk writes: " + FILES + ", asked for " + files);
            }
        }

        /** The direction's index (0 for random), checked. */
        public int slider() {
            if (random()) {
                return 0;
            }
            int slider;
            try {
                slider = Integer.parseInt(direction.trim());
            } catch (NumberFormatException e) {
                throw new InvalidOption("--direction must be an index or 'random', got '" + direction + "'");
            }
            if (slider < 0) {
                throw new InvalidOption("--direction " + slider + ": an index is 0 or more");
            }
            return slider;
        }

        public boolean random() {
            return direction.equalsIgnoreCase("random");
        }

        /** Refuses what no model could run, before any model opens. */
        public Request check() {
            slider();
            if (steps < 0) {
                throw new InvalidOption("--steps must be ≥ 0, got " + steps);
            }
            settings.validate();
            text.setup(); // the pooling is checked before the model opens
            gif.validate();
            return this;
        }
    }

    /** What a run reports while it runs (stderr's progress), and how it is asked to stop. */
    public interface Listener {
        /** A stage with a count starts: label prompts read, steps walked. */
        default void begin(String what, int total, String unit) {}

        /** {@code done} of the stage's total; {@code message} (may be null) what it shows now. */
        default void progress(int done, String message) {}

        default void end() {}

        /** Why the walk should stop now (a signal's name), or null to go on. */
        default String stopRequested() {
            return null;
        }

        /** The most bytes the walk's files may take where they travel in one answer (a server's); none here. */
        default long maxFileBytes() {
            return Long.MAX_VALUE;
        }
    }

    /**
     * What a run made: the document (as --json prints it), the lines a person reads, the files asked for (by the
     * option's name), and whether a walk stopped early: {@code failed} (a step refused) or {@code interrupted} (the
     * signal or request that stopped it).
     */
    public record Result(String document, String text, Map<String, byte[]> files, int stepsDone, int stepsAsked,
            String failed, String interrupted) {
        public Result {
            files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        }

        /** How the recordings and the session file describe a walk that ended early (null: it did not). */
        public String incomplete() {
            return interrupted != null ? interrupted + " after " + stepsDone + " of " + stepsAsked + " steps" : failed;
        }
    }

    /**
     * Opens the request's input under {@code model}: a text model's options refused on an image model and the other
     * way round, a CLIPModel's classes set first (their progress told to {@code l} when there are many).
     */
    public static Subject open(Explorer model, Path modelDir, Request r, Listener l) {
        Input in = r.input();
        Settings settings = r.settings();
        if (model.isText()) {
            if (r.spaceGiven()) {
                KindOptions.textSpace(modelDir, settings.space());
            }
            KindOptions.textSettings(modelDir, settings);
            if (in.image() != null) {
                throw new InvalidInputException("a text model reads a sentence: --input text:\"...\" or a .txt file; '"
                        + in.imageName() + "' was sent as an image");
            }
            return Subject.read(model, modelDir, in.sentence() != null ? "text:" + in.sentence() : in.ref(),
                    r.text().setup(), settings);
        }
        List<String> labels = KindOptions.imageLabels(model, modelDir, r.text().labels(), !r.text().tokens().isEmpty(),
                r.text().pooling() != null);
        if (in.sentence() != null) {
            throw new InvalidInputException(r.modelName() + " is an image model: --input is an image file or "
                    + "sample:N, not a sentence");
        }
        if (labels.size() > MANY_LABELS) { // the text tower reads them in batches: say how far it is
            l.begin("label prompts", labels.size(), "labels");
            try {
                model.setZeroShotLabels(labels, n -> l.progress(n, null));
            } finally {
                l.end();
            }
        } else if (!labels.isEmpty()) {
            model.setZeroShotLabels(labels);
        }
        if (in.image() != null) {
            return ImageSubject.open(model, in.imageName(), in.image(), settings);
        }
        return Subject.read(model, modelDir, in.ref(), null, settings);
    }

    /** More --label classes than this show their progress through CLIP's text tower. */
    public static final int MANY_LABELS = 128;

    /**
     * Runs {@code r} on an opened model; {@code t0} is when the command started (its document's elapsed time).
     */
    public static Result run(Explorer model, Path modelDir, Request r, Listener l, long t0) {
        r.check();
        // a float32 sum split over threads rounds by their number, and what sets that number is partly this thread's
        // and partly the process's (another service of this process may have set it): every command's run sets the
        // engine's default first, so a walk here and one on a server of this machine are one walk, bit for bit
        org.leafwalk.explore.subject.EngineSetup.limitComputeThreads(
                org.leafwalk.explore.subject.EngineSetup.defaultComputeThreads());
        Settings settings = r.settings();
        try (Session session = new Session(r.modelRef(), modelDir, open(model, modelDir, r, l), settings)) {
            return r.command() == Command.INSPECT ? inspect(session, r, t0) : walk(session, r, l, t0);
        }
    }

    private static Result inspect(Session session, Request r, long t0) {
        var subject = session.subject();
        SpectrumSummary s = session.spectrum();
        Readout rd = session.readout();
        List<String> notes = subject.notes();
        Map<String, Object> o = Json.object();
        o.put("model", r.modelName());
        o.put("input", subject.inputReference());
        o.put("notes", notes);
        subject.describe(o, true);
        o.put("device", subject.model().deviceName());
        o.put("space", subject.space().id());
        o.put("metric", session.settings().metric().id());
        if (subject.layer() > 0) {
            o.put("layer", subject.layer());
        }
        o.put("selected_outputs", Arrays.stream(s.selectedOutputs()).boxed().toList());
        o.put("logits", Json.list(rd.logits()));
        o.put("probabilities", Json.list(rd.probabilities()));
        o.put("prediction", Json.prediction(rd));
        o.put("dimension", s.dimension());
        o.put("rank", s.rank());
        o.put("null_dimension", s.dimension() - s.rank());
        o.put("tau", s.tau());
        o.put("eigenvalues", Json.list(s.eigenvalues()));
        o.put("gram_eigenvalues", Json.list(s.gramEigenvalues()));
        subject.describeDecoding(o, session.trajectory().startPoint(), "decoding", false);
        o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
        StringBuilder text = new StringBuilder();
        subject.describeLine().ifPresent(line -> text.append(line).append('\n'));
        for (String n : notes) {
            text.append("note: ").append(n).append('\n');
        }
        List<String> labels = subject.labels();
        if (rd.prediction() < 0) {
            text.append("prediction: none (no classifier: the representation metric only)\n");
        } else {
            text.append(String.format(Locale.ROOT, "prediction: %s (p = %.4f)%n", rd.label(), rd.confidence()));
            text.append("probabilities:");
            for (int i = 0; i < labels.size(); i++) {
                text.append(String.format(Locale.ROOT, " %s=%.4f", labels.get(i), rd.probabilities()[i]));
            }
            text.append('\n');
        }
        text.append(String.format(Locale.ROOT, "input dimension n = %d, rank G = %d, null space dimension = %d%n",
                s.dimension(), s.rank(), s.dimension() - s.rank()));
        text.append("eigenvalues:");
        for (double v : s.eigenvalues()) {
            text.append(String.format(Locale.ROOT, " %.4g", v));
        }
        text.append('\n');
        return new Result(Json.text(o), text.toString(), Map.of(), 0, 0, null, null);
    }

    /** The walk as far as it went: its steps, and why it ended early (null: it walked every step). */
    private record Walked(List<Map<String, Object>> rows, int changes, double walkMs, String failed,
            String interrupted) {}

    private static Result walk(Session walk, Request r, Listener l, long t0) {
        WalkAlgorithm algorithm = r.settings().algorithm();
        int slider = r.slider();
        walk.jacobian(r.settings().jacobian());
        int directions = walk.directions(algorithm);
        if (!r.random() && slider >= directions) {
            throw new InvalidOption("--direction " + slider + ": " + algorithm.id() + " has " + directions
                    + (algorithm == WalkAlgorithm.SIMEC ? " null directions" : " eigendirections") + " here (0 to "
                    + (directions - 1) + ")");
        }
        long points = r.files().stream().filter(f -> f.equals("npz") || f.equals("safetensors") || f.equals("session"))
                .count() * (r.steps() + 1L) * walk.dimension() * Float.BYTES; // each holds every point in float32
        if (points > l.maxFileBytes()) {
            throw new InvalidOption(String.format(java.util.Locale.ROOT, "the files asked for would hold %.0f MB of "
                    + "points (%d steps of %d numbers), more than this server sends in one answer (%.0f MB): ask for "
                    + "fewer steps or files, or save the session in parts", points / 1e6, r.steps(), walk.dimension(),
                    l.maxFileBytes() / 1e6));
        }
        Readout start = walk.trajectory().startReadout();
        Walked walked = steps(walk, algorithm, slider, start, r.steps(), l);
        Readout end = walk.settle(false);
        Map<String, Object> o = document(walk, r, start, end, walked, t0);
        String why = walked.interrupted() != null
                ? walked.interrupted() + " after " + walked.rows().size() + " of " + r.steps() + " steps"
                : walked.failed();
        if (why != null) {
            o.put(walked.interrupted() != null ? "interrupted" : "stopped", why);
        }
        Map<String, byte[]> files = files(walk, r, why);
        return new Result(Json.text(o), summary(o, walked, start, end, walk), files, walked.rows().size(),
                r.steps(), walked.failed(), walked.interrupted());
    }

    /** Walks the steps asked for, with progress, until done, a step is refused, or the listener asks to stop. */
    private static Walked steps(Session walk, WalkAlgorithm algorithm, int slider, Readout start, int steps,
            Listener l) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String failed = null;
        String interrupted = null;
        int changes = 0;
        int prev = start.prediction();
        long tw = System.nanoTime();
        if (steps > 0) {
            l.begin(algorithm.id() + " walk", steps, "steps");
        }
        try {
            for (int i = 0; i < steps && (interrupted = l.stopRequested()) == null; i++) {
                Session.Step s;
                try {
                    s = walk.step(algorithm, slider, 1, Double.POSITIVE_INFINITY);
                } catch (StepRefused e) {
                    failed = "step " + (i + 1) + " refused: " + e.getMessage();
                    break;
                }
                Readout rd = s.readout();
                TrajectoryEntry e = s.entry();
                if (rd.prediction() != prev) {
                    changes++;
                    prev = rd.prediction();
                }
                Map<String, Object> row = Json.object();
                row.put("step", e.step());
                row.put("direction", e.direction());
                row.put("prediction", Json.prediction(rd));
                row.put("probabilities", Json.list(rd.probabilities()));
                row.put("eigenvalues", Json.list(e.topEigenvalues()));
                row.put("delta", e.delta());
                row.put("distance", e.distance());
                row.put("kl_from_start", e.kl());
                row.put("correction", s.correction());
                if (e.carried()) {
                    row.put("jacobian", "carried");
                }
                rows.add(row);
                l.progress(rows.size(), rd.label() + String.format(Locale.ROOT, " p=%.3f", rd.confidence()));
            }
        } finally {
            if (steps > 0) {
                l.end();
            }
        }
        return new Walked(rows, changes, (System.nanoTime() - tw) / 1e6, failed, interrupted);
    }

    private static Map<String, Object> document(Session walk, Request r, Readout start, Readout end, Walked walked,
            long t0) {
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        Subject subject = walk.subject();
        Settings settings = walk.settings();
        Map<String, Object> o = Json.object();
        o.put("model", r.modelName());
        o.put("input", subject.inputReference());
        o.put("notes", subject.notes());
        subject.describe(o, false);
        subject.describeDecoding(o, walk.point(), "decoded", true);
        o.put("device", subject.model().deviceName());
        o.put("space", subject.space().id());
        o.put("metric", settings.metric().id());
        if (subject.layer() > 0) {
            o.put("layer", subject.layer());
        }
        o.put("algorithm", settings.algorithm().id());
        o.put("step_policy", settings.policy().id());
        o.put("eta", settings.eta());
        o.put("tau", settings.tau());
        o.put("seed", settings.seed());
        o.put("corrected", settings.corrected());
        o.put("variant", settings.variant());
        o.put("direction", r.direction());
        o.put("dimension", walk.dimension());
        o.put("start", Json.of("prediction", Json.prediction(start), "probabilities",
                Json.list(start.probabilities())));
        o.put("final", Json.of("prediction", Json.prediction(end), "probabilities", Json.list(end.probabilities()),
                "distance", finalDistance));
        o.put("prediction_changes", walked.changes());
        int carried = (int) rows.stream().filter(row -> "carried".equals(row.get("jacobian"))).count();
        o.put("jacobian", WalkReport.jacobian(walk, rows.size(), carried));
        o.put("steps", rows);
        o.put("ms_per_step", rows.isEmpty() ? 0 : walked.walkMs() / rows.size());
        o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
        return o;
    }

    /** Every file asked for, as bytes, by the option that asked for it. */
    private static Map<String, byte[]> files(Session walk, Request r, String incomplete) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (r.files().isEmpty()) {
            return files;
        }
        Recording rec = walk.recording();
        for (String f : List.of("csv", "trajectory-json", "safetensors", "npz", "session", "gif")) {
            if (!r.files().contains(f)) {
                continue;
            }
            byte[] made = org.leafwalk.explore.export.TrajectoryExport.recordedFile(f, rec, incomplete);
            if (made == null) { // the GIF: its frames drawn by the model
                try (var drawer = Exports.drawer(walk.subject(), rec)) {
                    made = Exports.gifBytes(rec, drawer, r.gif());
                }
            }
            files.put(f, made);
        }
        return files;
    }

    /** The lines a person reads: what was walked, from where to where, and how the Jacobian was carried. */
    private static String summary(Map<String, Object> o, Walked walked, Readout start, Readout end, Session walk) {
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%s walk, %d steps in %s space (%s metric): "
                        + "%s (p=%.4f) -> %s (p=%.4f), distance %.4g, %d prediction changes, %.1f ms/step%n",
                walk.settings().algorithm().id(), rows.size(), walk.subject().space().id(),
                walk.settings().metric().id(), start.label(), start.confidence(), end.label(),
                end.confidence(), finalDistance, walked.changes(),
                rows.isEmpty() ? 0 : walked.walkMs() / rows.size()));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) o.get("jacobian");
        if ((boolean) j.get("carries")) {
            t.append(String.format(Locale.ROOT, "Jacobian carried on %d of %d steps (%d exact, %d trust refusals)%s%n",
                    (int) j.get("carried_steps"), rows.size(), (int) j.get("refreshes"),
                    (int) j.get("trust_refusals"), j.containsKey("note") ? ": " + j.get("note") : ""));
        }
        return t.toString();
    }
}
