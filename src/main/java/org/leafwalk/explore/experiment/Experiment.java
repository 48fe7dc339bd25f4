package org.leafwalk.explore.experiment;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.Sha256;

/**
 * Runs a batch protocol over many inputs into an output folder: every core busy (one model per worker thread, each
 * computing on one core, so a run's numbers do not depend on how many workers there are), every finished run
 * written atomically to {@code runs/ID.json} as soon as it ends, a rerun with {@code resume} skipping those, and
 * the tables, results.csv, results.json and report.html made from whatever has finished.
 */
public final class Experiment {
    /** The protocols, by name. */
    public static final List<String> PROTOCOLS = List.of(SimecTable.ID, Equivalence.ID);

    private static final Gson GSON = new Gson();
    private static final String MANIFEST = "experiment.json";

    /**
     * The folder's format: 2 since records carry their run, their experiment and a checksum, and since the image
     * processors' fields are read as transformers reads them (a folder of format 1 is another experiment).
     */
    private static final int FORMAT = 2;

    /**
     * @param modelRef how the user named the model (recorded); {@code modelDir} its folder
     * @param data an IDX data folder whose test split gives the inputs, or null for the model's samples
     * @param inputs, repeats, iterations, pairs: null for the protocol's (or {@code quick}'s) values
     * @param workers worker threads (≤ 0: one per core)
     */
    public record Options(String protocol, String modelRef, Path modelDir, Path data, Path out, boolean quick,
            boolean resume, long seed, int workers, String device, Integer inputs, Integer repeats, Integer iterations,
            Integer pairs) {}

    /** What a running experiment tells its front end (any thread). */
    public interface Listener {
        /** The work to do in all ({@code total}) and what earlier runs already did ({@code done}). */
        void begin(long total, long done, int runs, int finished);

        void advance(long n);

        /** A run finished and was written. */
        default void finished(String runId) {}
    }

    /**
     * @param document what results.json holds (and --json prints)
     * @param complete every run finished
     */
    public record Outcome(Map<String, Object> document, String table, List<String> findings, int runs, int finished,
            int skipped, boolean complete, Path out, double seconds) {}

    private Experiment() {}

    /** A run's seed: the experiment's seed mixed with the run's name (FNV-1a), the same on every machine. */
    static long seedOf(long seed, String runId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h ^ (seed * 0x9E3779B97F4A7C15L);
    }

    /** Checks the protocol's name before anything opens. */
    public static String protocol(String name) {
        if (!PROTOCOLS.contains(name)) {
            throw new InvalidInputException("unknown protocol '" + name + "' (" + String.join(", ", PROTOCOLS) + ")");
        }
        return name;
    }

    public static Outcome run(Options o, Listener listener, BooleanSupplier stop) {
        protocol(o.protocol());
        long t0 = System.nanoTime();
        Protocol protocol;
        try (Explorer first = Explorer.open(o.modelDir(), o.device(), precision(o.protocol()))) {
            if (first.isText()) {
                throw new InvalidInputException("the " + o.protocol() + " protocol works on image models; "
                        + o.modelRef() + " is a text model");
            }
            protocol = create(o, first);
        }
        Path out = o.out();
        Map<String, Object> manifest = Json.of("leafwalk_experiment", FORMAT, "protocol", protocol.id(), "model",
                o.modelRef(), "model_folder", o.modelDir().toAbsolutePath().normalize().toString(),
                "model_weights_sha256", weightsHash(o.modelDir()), "data", o.data() == null ? "the model's samples"
                        : o.data().toAbsolutePath().normalize().toString(), "inputs_sha256",
                Records.inputsHash(protocol.inputs()), "quick", o.quick(), "settings", protocol.settings());
        prepare(out, manifest, o.resume());
        Records records = new Records(out, manifest);
        Path runsDir = out.resolve("runs");
        List<Protocol.Run> runs = protocol.runs();
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        long total = 0;
        long done = 0;
        List<Protocol.Run> todo = new ArrayList<>();
        for (Protocol.Run r : runs) {
            total += r.weight();
            Map<String, Object> res = records.read(r);
            if (res != null) {
                results.put(r.id(), res);
                done += r.weight();
            } else {
                todo.add(r);
            }
        }
        int skipped = results.size();
        listener.begin(total, done, runs.size(), skipped);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicBoolean halt = new AtomicBoolean();
        BooleanSupplier stopped = () -> halt.get() || stop.getAsBoolean();
        int workers = Math.max(1, Math.min(todo.size(),
                o.workers() > 0 ? o.workers() : Runtime.getRuntime().availableProcessors()));
        if (!todo.isEmpty()) {
            ThreadLocal<Explorer> models = new ThreadLocal<>();
            List<Explorer> opened = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "experiment-worker");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Protocol.Run r : todo) {
                    futures.add(pool.submit(() -> {
                        if (stopped.getAsBoolean()) {
                            return;
                        }
                        Explorer model = models.get();
                        if (model == null) {
                            // one core per worker: the engine's threads are set per calling thread
                            EngineSetup.limitComputeThreads(1);
                            model = Explorer.open(o.modelDir(), o.device(), protocol.precision());
                            models.set(model);
                            opened.add(model);
                        }
                        Map<String, Object> res;
                        try {
                            res = protocol.perform(r, model, n -> {
                                listener.advance(n);
                                if (stopped.getAsBoolean()) {
                                    throw new Protocol.Stopped();
                                }
                            });
                        } catch (Protocol.Stopped e) {
                            return;
                        }
                        Map<String, Object> written;
                        try {
                            written = records.write(r, res);
                        } catch (RuntimeException e) {
                            halt.set(true);
                            failure.compareAndSet(null, e);
                            return;
                        }
                        synchronized (results) {
                            results.put(r.id(), written);
                        }
                        listener.finished(r.id());
                    }));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        halt.set(true);
                        Throwable c = e.getCause();
                        failure.compareAndSet(null, c instanceof RuntimeException re ? re : new IllegalStateException(c));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                halt.set(true);
            } finally {
                pool.shutdownNow();
                opened.forEach(Explorer::close);
            }
        }
        List<Map<String, Object>> finished = new ArrayList<>();
        for (Protocol.Run r : runs) {
            if (results.containsKey(r.id())) {
                finished.add(results.get(r.id()));
            }
        }
        if (failure.get() != null) {
            RuntimeException e = failure.get();
            throw new InvalidInputException(e.getMessage() + "; the " + finished.size() + " finished runs are kept in "
                    + runsDir + " (the same command with --resume goes on from there)", e);
        }
        Protocol.Summary s = protocol.summarise(finished);
        boolean complete = finished.size() == runs.size();
        Map<String, Object> doc = Json.object();
        doc.put("protocol", protocol.id());
        doc.put("model", o.modelRef());
        doc.put("complete", complete);
        doc.put("runs", runs.size());
        doc.put("finished_runs", finished.size());
        doc.put("settings", protocol.settings());
        doc.put("cells", s.cells());
        doc.put("paper", s.paper());
        doc.putAll(s.extra());
        doc.put("findings", s.findings());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double runSeconds = 0;
        for (Map<String, Object> r : finished) {
            runSeconds += r.get("seconds") instanceof Number n ? n.doubleValue() : 0;
        }
        doc.put("run_seconds_total", runSeconds);
        doc.put("workers", workers);
        Report.write(out, doc, s, o.modelRef());
        return new Outcome(doc, s.table(), s.findings(), runs.size(), finished.size(), skipped, complete, out, seconds);
    }

    private static String precision(String protocol) {
        return protocol.equals(Equivalence.ID) ? "float64" : "float32";
    }

    private static Protocol create(Options o, Explorer model) {
        int classes = model.config().numLabels();
        if (o.protocol().equals(SimecTable.ID)) {
            int n = o.inputs() != null ? o.inputs() : o.quick() ? 4 : 16;
            if (n < 2 || n % 2 != 0) {
                throw new InvalidInputException("--inputs must be an even number ≥ 2 (two per class), got " + n);
            }
            if (classes < n / 2) {
                throw new InvalidInputException("the simec-table protocol with " + n + " inputs (two per class) "
                        + "needs a model with at least " + n / 2 + " classes; this one has " + classes);
            }
            List<Inputs.Item> all = Inputs.all(model, o.modelDir(), o.data());
            List<Inputs.Item> chosen = Inputs.perClass(all, n / 2, 2, classes, SimecTable.ID);
            return new SimecTable(chosen, o.repeats() != null ? o.repeats() : o.quick() ? 1 : 3,
                    o.iterations() != null ? o.iterations() : o.quick() ? 100 : 1000, o.seed());
        }
        if (classes < 2) {
            throw new InvalidInputException("the equivalence protocol needs a model with at least 2 classes; this "
                    + "one has " + classes);
        }
        return new Equivalence(Inputs.all(model, o.modelDir(), o.data()), o.pairs() != null ? o.pairs() : o.quick() ? 4 : 20,
                o.iterations() != null ? o.iterations() : o.quick() ? 30 : 100, o.seed());
    }

    /**
     * Makes the output folder ready: a new or empty folder gets the manifest; a folder of the same experiment is
     * taken up again only with {@code resume}; anything else is refused, so no result is mixed with another's.
     */
    private static void prepare(Path out, Map<String, Object> manifest, boolean resume) {
        String kind = AtomicFiles.kindOf(out);
        if (kind != null && !Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(out)) {
            throw new InvalidInputException("--out " + out + " is " + kind + ", not a folder");
        }
        Path m = out.resolve(MANIFEST);
        if (Files.isDirectory(out)) {
            if (Files.exists(m)) {
                JsonObject had = JsonFiles.readObject(m);
                JsonObject now = GSON.toJsonTree(manifest).getAsJsonObject();
                String differs = difference(had, now);
                if (differs != null) {
                    throw new InvalidInputException(out + " holds another experiment's results (" + differs
                            + "); choose another --out");
                }
                if (!resume) {
                    throw new InvalidInputException(out + " already holds results of this experiment; --resume goes "
                            + "on from them (finished runs are skipped), or choose another --out");
                }
                return;
            }
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new InvalidInputException(out + " is not empty and holds no experiment; choose a new or "
                            + "empty folder for --out");
                }
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + out + ": " + e.getMessage(), e);
            }
        } else if (resume) {
            throw new InvalidInputException("--resume: " + out + " holds no experiment to go on with");
        }
        AtomicFiles.writeOwned(out, MANIFEST, (JsonFiles.toJson(manifest) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Which recorded field differs between two manifests, or null when they describe the same experiment. */
    private static String difference(JsonObject had, JsonObject now) {
        for (String key : new String[] {"leafwalk_experiment", "protocol", "model_weights_sha256", "inputs_sha256",
            "quick"}) {
            if (!String.valueOf(had.get(key)).equals(String.valueOf(now.get(key)))) {
                if (key.equals("leafwalk_experiment")) {
                    return "it was made by an earlier Leafwalk (folder format " + had.get(key) + ", this one writes "
                            + now.get(key) + "), whose records cannot be checked";
                }
                if (key.equals("inputs_sha256")) {
                    return "its inputs, read from " + had.get("data") + ", are not this run's, read from "
                            + now.get("data") + " (the names may be the same: the pixels differ)";
                }
                return key.replace('_', ' ') + " " + had.get(key) + " where this run has " + now.get(key);
            }
        }
        JsonObject a = had.has("settings") ? had.getAsJsonObject("settings") : new JsonObject();
        JsonObject b = now.getAsJsonObject("settings");
        for (String key : b.keySet()) {
            if (!String.valueOf(a.get(key)).equals(String.valueOf(b.get(key)))) {
                String was = String.valueOf(a.get(key));
                String is = String.valueOf(b.get(key));
                return key + " " + shorten(was) + " where this run has " + shorten(is);
            }
        }
        return null;
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "…" : s;
    }

    private static String weightsHash(Path modelDir) {
        Path w = modelDir.resolve("model.safetensors");
        if (!Files.isRegularFile(w)) {
            return null;
        }
        try {
            return Sha256.of(w);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + w + ": " + e.getMessage(), e);
        }
    }
}
