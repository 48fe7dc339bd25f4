package org.leafwalk.explore.service;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.leafwalk.explore.failure.Errors;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.SessionChecks;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.subject.TextSubject;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TextSetup;

/**
 * What the window has open, on the compute thread: the model on its device, the walk's {@link Session}, and the
 * settings to use for the next one. Opens models, images, sentences and session files so that a failure keeps what
 * was open, and says what happened in notices. Confined to the worker thread; {@link #isOpen()} may be read anywhere.
 */
final class Workspace implements AutoCloseable {
    private final Consumer<Notice> notices;
    private final List<Runnable> modelChanges = new ArrayList<>();
    private String device;
    private Explorer model;
    private Path modelDir;
    private Session session;
    private volatile boolean open;
    private Settings settings = Settings.DEFAULTS;
    private TextSetup text; // the last sentence's set-up: its labels carry over to the next model
    /** What a recording names its model by: the folder here, a server's catalogue name there. */
    private java.util.function.Function<Path, String> references = Path::toString;
    private boolean served;

    Workspace(String device, Consumer<Notice> notices) {
        this.device = device;
        this.notices = notices;
    }

    /** Runs when the model is replaced (what was computed on the old one is dropped). */
    void onModelChange(Runnable r) {
        modelChanges.add(r);
    }

    /**
     * A server's workspace: recordings name models by {@code names} (the catalogue's), and every image it holds
     * carries its bytes, so nothing is ever read from a path a client named (a session's input name).
     */
    void serve(java.util.function.Function<Path, String> names) {
        this.references = names;
        this.served = true;
    }

    Consumer<Notice> notices() {
        return notices;
    }

    /** A walk is open (any thread). */
    boolean isOpen() {
        return open;
    }

    Session session() {
        return session;
    }

    Explorer model() {
        return model;
    }

    Path modelDir() {
        return modelDir;
    }

    String device() {
        return device;
    }

    Settings settings() {
        return session != null ? session.settings() : settings;
    }

    /** Opens model and input, or neither: returns null, or the message of the failure (already noticed). */
    String open(Path dir, String inputRef) {
        return open(dir, inputRef, next -> Subject.open(next, dir, inputRef,
                text == null ? null : text.withSelected(new int[0]),
                settings().withLayer(next.layers() == 0 ? 0 : settings().layer())));
    }

    /** Opens a model and an image whose file's bytes came without the file (a client of leafwalk serve). */
    String open(Path dir, String name, byte[] image) {
        return open(dir, name, next -> {
            if (next.isText()) {
                throw new org.leafwalk.io.InvalidInputException("this is a text model: send a sentence");
            }
            return ImageSubject.open(next, name, image, settings().withLayer(settings().layer()));
        });
    }

    /** Opens a text model on a sentence sent as text (an image model refuses it: a sentence names no file). */
    String openSentence(Path dir, String sentence) {
        return open(dir, "a sentence", next -> {
            if (!next.isText()) {
                throw new org.leafwalk.io.InvalidInputException("this is an image model: send an image, not a sentence");
            }
            return Subject.open(next, dir, "text:" + sentence, text == null ? null : text.withSelected(new int[0]),
                    settings().withLayer(0));
        });
    }

    private String open(Path dir, String inputRef, java.util.function.Function<Explorer, Subject> reading) {
        Explorer next;
        try {
            next = Explorer.open(dir, EngineSetup.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            String m = "cannot open model " + dir + ": " + describe(e);
            notices.accept(Notice.error(m + still(), e));
            return m;
        }
        Subject subject;
        try {
            subject = reading.apply(next);
        } catch (RuntimeException e) {
            next.close();
            String m = "cannot open input " + inputRef + ": " + describe(e);
            notices.accept(Notice.error(m + still(), e));
            return m;
        }
        adoptModel(dir, next);
        adopt(subject);
        return null;
    }

    /** Opens a model and, on it, the current input (or a text model's default sentence); false when it failed. */
    boolean openModel(Path dir) {
        Explorer next;
        try {
            next = Explorer.open(dir, EngineSetup.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open model: " + describe(e)
                    + (model != null ? " (still using " + modelDir.getFileName() + ")" : ""), e));
            return false;
        }
        Subject before = session != null ? session.subject() : null;
        adoptModel(dir, next);
        try {
            Subject shown = Subject.onModel(next, before, text, settings());
            if (shown != null) {
                adopt(shown);
            }
        } catch (RuntimeException e) {
            notices.accept(Notice.error("the input does not fit the new model: " + describe(e), e));
        }
        return true;
    }

    /** Moves the model to another device (auto, cpu, gpu); where it cannot go it stays, and a notice says why. */
    void setDevice(String choice) {
        try {
            EngineSetup.device(choice);
        } catch (RuntimeException e) {
            notices.accept(Notice.error(describe(e), e));
            return;
        }
        String old = device;
        device = choice;
        if (modelDir != null && !openModel(modelDir)) {
            device = old;
        }
    }

    /** Opens an image on the image model; on failure the walk stays as it was. */
    void openImage(Path file) {
        openImage(() -> ImageSubject.open(model, file, model.loadImage(file), settings()));
    }

    /** Opens an image whose file's bytes came without the file (a client of leafwalk serve sent them). */
    void openImage(String name, byte[] data) {
        openImage(() -> ImageSubject.open(model, name, data, settings()));
    }

    private void openImage(java.util.function.Supplier<ImageSubject> reading) {
        if (model == null) {
            throw new IllegalStateException("open a model first");
        }
        if (model.isText()) {
            notices.accept(Notice.error("this is a text model: type a sentence, or open an image model for images"));
            return;
        }
        ImageSubject img;
        try {
            img = reading.get();
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open image: " + describe(e), e));
            return;
        }
        adopt(img);
    }

    /** Opens a sentence (or new positions or labels of it); on failure the walk stays as it was. */
    void openText(TextSetup setup) {
        if (model == null) {
            throw new IllegalStateException("open a model first");
        }
        if (!model.isText()) {
            notices.accept(Notice.error("this is an image model: open an image, or a text model for sentences"));
            return;
        }
        TextSubject next;
        try {
            next = TextSubject.open(model, setup, settings());
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot use the sentence: " + describe(e), e));
            return;
        }
        adopt(next);
    }

    /** A new sentence (its explored positions start as every token; its labels are kept). */
    void openSentence(String sentence) {
        openText(text == null ? TextSetup.of(sentence) : text.withSentence(sentence));
    }

    /** Which token positions the walk moves (empty: every token). */
    void selectTokens(int[] positions) {
        if (text != null) {
            openText(text.withSelected(positions));
        }
    }

    /** The zero-shot label sentences (at least two). */
    void setZeroShotLabels(java.util.List<String> labels) {
        if (model != null && model.zeroShotImage()) {
            // a CLIPModel's classes: the walk restarts on the same image under the new prompts
            model.setZeroShotLabels(labels);
            model.zeroShotNotes().forEach(n -> notices.accept(Notice.info(n)));
            if (session != null && session.subject() instanceof ImageSubject image) {
                adopt(ImageSubject.open(model, image.file(), image.image(), settings()));
            }
            return;
        }
        openText((text == null ? TextSetup.of(TextSubject.defaultSentence(model)) : text).withLabels(labels));
    }

    /** The current sentence's set-up (null when none was opened yet). */
    TextSetup text() {
        return text;
    }

    /** Continues from an image the walk did not read from a file (a representation match's result). */
    void openPicture(Path name, double[] pixels) {
        if (session != null) {
            adopt(session.subject().asImage("walking from a matched image").withImage(name, pixels));
        }
    }

    /**
     * New settings for the walk (restarting it where they change what is walked), kept for the next one; returns
     * whether the walk restarted.
     */
    boolean apply(Settings next) {
        if (session == null) {
            settings = next.validate();
            return false;
        }
        return session.apply(next);
    }

    /** Reads a session file; null when it cannot be read (a notice says why). */
    SessionFiles.Loaded loadSession(Path file) {
        try {
            return SessionFiles.load(file);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open session: " + describe(e), e));
            return null;
        }
    }

    /**
     * Opens a session file: its model (when not already open), its input and settings, and its trajectory at the
     * step it was saved, recomputing the recorded outputs with the current weights when {@code recompute}.
     */
    void openSession(String name, SessionFiles.Loaded loaded, boolean recompute) {
        Recording r = loaded.recording();
        Path dir = Path.of(r.modelPath());
        boolean sameModel = model != null && dir.toAbsolutePath().equals(modelDir.toAbsolutePath());
        Explorer next;
        try {
            next = sameModel ? model : Explorer.open(dir, EngineSetup.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open session " + name + ": its model: " + describe(e) + still(), e));
            return;
        }
        Subject subject;
        try {
            subject = SessionChecks.reopen(next, dir, loaded, name);
        } catch (RuntimeException e) {
            if (!sameModel) {
                next.close();
            }
            notices.accept(Notice.error("cannot open session " + name + ": " + describe(e) + still(), e));
            return;
        }
        if (!sameModel) {
            adoptModel(dir, next);
        }
        settings = r.settings();
        adopt(subject);
        session.restore(r, recompute);
        if (loaded.modelChanged()) {
            notices.accept(Notice.info(recompute
                    ? "the model changed since the session was saved: its outputs were recomputed"
                    : "the model changed since the session was saved: the recorded outputs are shown as they were"));
        } else {
            notices.accept(Notice.info("opened session " + name + " at step " + session.trajectory().cursor()));
        }
    }

    /** What the user keeps after a failed open. */
    private String still() {
        if (model == null) {
            return "";
        }
        return " (still showing " + modelDir.getFileName() + (session != null ? ", " + session.subject().inputName()
                : "") + ")";
    }

    /** Makes an opened model the walk's model, closing the old one and what was computed on it. */
    private void adoptModel(Path dir, Explorer next) {
        Explorer old = model;
        closeSession();
        modelChanges.forEach(Runnable::run);
        model = next;
        modelDir = dir;
        if (old != null) {
            old.close();
        }
        notices.accept(Notice.info("opened " + dir.getFileName()));
        for (String n : next.notes()) {
            notices.accept(Notice.info(n));
        }
    }

    /** Makes a subject the walk's, saying what was converted or filled in to read it. */
    private void adopt(Subject subject) {
        if (served && subject instanceof ImageSubject image) {
            subject = image.carryingPixels();
        }
        Session next;
        try {
            next = new Session(references.apply(modelDir), modelDir, subject, settings());
        } catch (RuntimeException e) {
            subject.close();
            throw e;
        }
        for (String n : subject.inputNotes()) {
            notices.accept(Notice.info(n));
        }
        if (subject instanceof TextSubject t) {
            text = t.setup(); // its labels and positions carry over to the next sentence and the next model
        }
        closeSession();
        session = next;
        open = true;
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
        open = false;
    }

    /** What the user is told of a failure ({@link Errors#describe}: a bug says so, and where its trace is). */
    static String describe(Throwable e) {
        if (e instanceof org.leafwalk.geometry.Computation.Cancelled) {
            return "stopped (Esc)";
        }
        return Errors.describe(e);
    }

    @Override
    public void close() {
        closeSession();
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
