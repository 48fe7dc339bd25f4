package org.leafwalk.explore.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.leafwalk.explore.subject.References;
import org.leafwalk.io.InvalidInputException;

/**
 * The models a server offers, by name: each model folder it was started with (a folder holding a config.json or an
 * ONNX export) by its folder's name, each model folder inside a folder of them, and the shipped models. A client
 * names a model only by these names; no path a client sends is ever opened.
 */
final class Catalogue {
    private final Map<String, Supplier<Path>> models;
    private final List<Path> parents;

    private Catalogue(Map<String, Supplier<Path>> models, List<Path> parents) {
        this.models = new java.util.concurrent.ConcurrentHashMap<>(models);
        this.order = new java.util.concurrent.CopyOnWriteArrayList<>(models.keySet());
        this.parents = parents;
    }

    private final List<String> order;

    /** The shipped models by the names the command line knows them by. */
    private static final List<String> SHIPPED = List.of(References.DEFAULT_MODEL, "fashion", "mnist-paper",
            org.leafwalk.model.EmbeddedTextModel.REFERENCE);

    /** The catalogue of {@code dirs} and the shipped models; two folders of one name are refused, naming both. */
    static Catalogue of(List<Path> dirs) {
        Map<String, Supplier<Path>> m = new LinkedHashMap<>();
        Map<String, Path> seen = new TreeMap<>();
        List<Path> parents = new java.util.ArrayList<>();
        for (Path d : dirs) {
            Path dir = d.toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new InvalidInputException(d + ": not a folder (--models names model folders, or folders of them)");
            }
            List<Path> found = isModel(dir) ? List.of(dir) : children(dir);
            if (!isModel(dir)) {
                parents.add(dir);
            }
            if (found.isEmpty()) {
                throw new InvalidInputException(d + ": holds no model folder (a config.json or an .onnx export)");
            }
            for (Path f : found) {
                String name = f.getFileName().toString();
                Path before = seen.put(name, f);
                if (before != null) {
                    throw new InvalidInputException("two models named " + name + ": " + before + " and " + f
                            + " (a client names a model by its folder's name: rename one)");
                }
                m.put(name, () -> f);
            }
        }
        for (String shipped : SHIPPED) {
            if (!m.containsKey(shipped) && available(shipped)) {
                m.put(shipped, () -> References.model(shipped));
            }
        }
        return new Catalogue(m, List.copyOf(parents));
    }

    private static boolean available(String shipped) {
        if (shipped.equals(org.leafwalk.model.EmbeddedTextModel.REFERENCE)) {
            return true; // inside Leafwalk's own jar, written to the cache when first opened
        }
        try {
            return Files.isDirectory(References.model(shipped));
        } catch (InvalidInputException e) {
            return false;
        }
    }

    private static boolean isModel(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) || References.isTextModel(dir);
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(Catalogue::isModel).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    List<String> names() {
        return List.copyOf(order);
    }

    /** The folder of the model named {@code name}; the client's error when the server has none of that name. */
    Path folder(String name) {
        Supplier<Path> f = models.get(name);
        if (f == null) {
            f = added(name);
        }
        if (f == null) {
            throw new InvalidInputException("the server has no model named '" + abbreviated(name) + "' (it has "
                    + String.join(", ", order) + ")");
        }
        return f.get();
    }

    /** Serves a model folder more, by its folder's name (the server's own process adds it, never a client). */
    synchronized void add(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!isModel(d)) {
            throw new InvalidInputException(dir + ": not a model folder (no config.json or .onnx export)");
        }
        String name = d.getFileName().toString();
        if (models.putIfAbsent(name, () -> d) == null) {
            order.add(name);
        }
    }

    /**
     * A model folder put into one of the served folders of models since the server started, or a shipped model
     * named by its folder's name (mnist-vit for default).
     */
    private synchronized Supplier<Path> added(String name) {
        if (models.containsKey(name)) {
            return models.get(name);
        }
        if (name.equals("fashion-mnist")) { // the other name the command line knows
            return models.get("fashion");
        }
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return null;
        }
        for (String shipped : SHIPPED) {
            if (models.containsKey(shipped)) {
                try {
                    Path p = models.get(shipped).get();
                    if (p.getFileName().toString().equals(name)) {
                        return models.get(shipped);
                    }
                } catch (RuntimeException e) {
                    // a shipped model that is not here
                }
            }
        }
        for (Path parent : parents) {
            Path p = parent.resolve(name);
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && isModel(p)) {
                models.put(name, () -> p);
                order.add(name);
                return models.get(name);
            }
        }
        return null;
    }

    /** The name a recording gives the model in {@code dir}: its catalogue name (the folder's name otherwise). */
    String nameOf(Path dir) {
        for (var e : models.entrySet()) {
            if (e.getValue().get().toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                return e.getKey();
            }
        }
        return dir.getFileName().toString();
    }

    /**
     * The model a session file names, here: its reference when that is a catalogue name, else its folder's name;
     * the path it records is never opened.
     */
    Path sessionModel(String path, String reference) {
        if (reference != null && models.containsKey(reference)) {
            return folder(reference);
        }
        String folderName = path == null ? null : Path.of(path.replace('\\', '/')).getFileName().toString();
        if (folderName != null && models.containsKey(folderName)) {
            return folder(folderName);
        }
        throw new InvalidInputException("the server has no model the session names (model.reference "
                + (reference == null ? "missing" : "'" + abbreviated(reference) + "'") + ", model.path's folder "
                + (folderName == null ? "missing" : "'" + abbreviated(folderName) + "'") + "; it has "
                + String.join(", ", order) + ")");
    }

    static String abbreviated(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
