package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.Drag;
import org.leafwalk.explore.remote.wire.Empty;
import org.leafwalk.explore.remote.wire.Export;
import org.leafwalk.explore.remote.wire.ExploreGrpc;
import org.leafwalk.explore.remote.wire.GifOptions;
import org.leafwalk.explore.remote.wire.Hello;
import org.leafwalk.explore.remote.wire.Ints;
import org.leafwalk.explore.remote.wire.Open;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.remote.wire.SessionData;
import org.leafwalk.explore.remote.wire.StartMatch;
import org.leafwalk.explore.remote.wire.Strings;
import org.leafwalk.explore.service.Activity;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.InputFiles;

/**
 * The compute service of a {@code leafwalk serve} elsewhere, as the window sees the one in its own process: the same
 * requests, never blocking the caller, answered by the same snapshots, notices and analyses. Requests go to the server
 * in the order they were made, from one thread of this client; files are read here and sent as data, and exports come
 * back as data and are written here, through the same checks and the same safe writer as in-process exports.
 */
public final class RemoteExploration implements Exploration {
    private final ManagedChannel channel;
    private final Consumer<Notice> notices;
    private volatile Requests out; // replaced by a reconnect, as is what hears the server
    private final ClientFiles files;
    private volatile Incoming in;
    private final KeptWalk kept = new KeptWalk();
    private final Consumer<Snapshot> snapshots;
    private final ExploreGrpc.ExploreStub stub;
    private volatile Consumer<Analysis> analyses;
    private volatile Consumer<Consumer<Boolean>> asker;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong dragIds = new AtomicLong();
    private Held held; // guarded by dragIds: one id while one slider is held
    private final String address;
    private final io.grpc.CallCredentials token;
    private volatile Path inputFile; // the image file opened here, which exports must not replace
    private volatile boolean playing;
    private volatile long playingSeq;

    /**
     * A client on {@code channel} (a server's address, or an in-process channel in tests); its token is the
     * channel's call credentials.
     *
     * @param address how the server is named to the user (host:port)
     */
    public RemoteExploration(ManagedChannel channel, io.grpc.CallCredentials token, String address,
            Consumer<Snapshot> snapshots, Consumer<Notice> notices) {
        this.channel = channel;
        this.token = token;
        this.address = address;
        this.notices = notices;
        this.snapshots = snapshots;
        this.files = new ClientFiles(notices);
        this.stub = ExploreGrpc.newStub(channel).withCallCredentials(token);
        connect();
    }

    /** Starts a session on the server: a new stream, heard by a new listener. */
    private Requests connect() {
        Requests next = new Requests(address);
        Incoming heard = new Incoming(address, snapshots, notices, next, closed::get, kept);
        heard.analyses(analyses);
        if (asker != null) {
            heard.asker(asker);
        }
        next.start(() -> stub.session(heard)); // open before anyone can send on it
        out = next;
        in = heard;
        return next;
    }

    /**
     * A new session on the server, which resumes from the walk this client kept: its model, input and settings and
     * every step up to the last one computed, opened as a session file is (the user is asked where the model's
     * weights changed meanwhile). Nothing happens while the server still serves this client.
     */
    @Override
    public void reconnect() {
        if (closed.get() || in.gone() == null) {
            return;
        }
        var walk = kept.recording();
        Requests old = out;
        channel.resetConnectBackoff(); // try at once, not when gRPC's backoff after the last failure ends
        Requests next = connect();
        old.close();
        if (walk == null) {
            notices.accept(Notice.info("reconnecting to " + address));
            return;
        }
        notices.accept(Notice.info("reconnecting to " + address + ": the walk resumes at step "
                + walk.trajectory().get(walk.cursor()).step() + " (" + walk.trajectory().size() + " states kept)"));
        next.sendWith(() -> msg().setOpenSession(SessionData.newBuilder().setName(KEPT) // encoded off the caller
                .setData(ByteString.copyFromUtf8(org.leafwalk.explore.session.SessionFiles.encode(walk, null)))
                .setAsk(true)), e -> notices.accept(Notice.error("could not resume the walk kept here: "
                        + e.getMessage())));
    }

    /** The name the walk kept here goes by when it is opened on the server again. */
    private static final String KEPT = "kept-walk.leafwalk.json";

    /** The server as the status bar names it: its host, device and the round trip of the last request. */
    @Override
    public String connection() {
        if (in.gone() != null) {
            return address + " is gone: " + in.gone();
        }
        Hello h = in.helloNow();
        double ms = in.roundTripMillis();
        String rtt = Double.isNaN(ms) ? "" : String.format(java.util.Locale.ROOT, ", %.1f ms round trip", ms);
        return h == null ? "connecting to " + address : "Server: " + address + " (" + h.getDevice() + ")" + rtt;
    }

    /** The server's models, as its greeting named them (null until it has greeted this client). */
    @Override
    public List<String> catalogue() {
        Hello h = in.helloNow();
        return h == null ? null : List.copyOf(h.getModelsList());
    }

    /** Steps of the kept walk received so far (each step travels once, however the cursor moves). */
    long keptStepsReceived() {
        return kept.received();
    }

    /** Snapshots received so far and their bytes on the wire: {count, bytes}. */
    public long[] snapshotsReceived() {
        return in.snapshotsReceived();
    }

    /** The server's catalogue, memory and sessions now (a unary call, bounded by {@code millis}). */
    public org.leafwalk.explore.remote.wire.CatalogueReply catalogue(long millis) {
        return ExploreGrpc.newBlockingStub(channel).withCallCredentials(token)
                .withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
                .catalogue(org.leafwalk.explore.remote.wire.CatalogueRequest.getDefaultInstance());
    }

    /** The server's greeting (its host, device and models), waiting at most {@code millis} for it. */
    public Hello hello(long millis) throws InterruptedException {
        return in.hello(millis);
    }

    /** Runs a command's job on the server; its progress goes to {@code progress} (see {@link RemoteJobs}). */
    java.util.concurrent.CompletableFuture<Reply> job(org.leafwalk.explore.remote.wire.Job job,
            Consumer<org.leafwalk.explore.remote.wire.JobProgress> progress) {
        in.jobProgress(progress);
        return out.ask(msg().setJob(job));
    }

    void stopJob(String why) {
        out.send(msg().setStopJob(why));
    }

    private void sendWith(java.util.function.Supplier<ClientMessage.Builder> make) {
        out.sendWith(make, e -> notices.accept(Notice.error(e.getMessage() == null ? e.toString() : e.getMessage())));
    }

    private static ClientMessage.Builder msg() {
        return ClientMessage.newBuilder();
    }

    private static Empty empty() {
        return Empty.getDefaultInstance();
    }

    @Override
    public void cancel() {
        out.send(msg().setCancel(empty()));
    }

    @Override
    public Activity activity() {
        var s = in.status();
        return in.gone() == null && s.getActive() ? new Activity(s.getActivity(), s.getFraction(), s.getSeconds()) : null;
    }

    @Override
    public void paceWithDisplay(boolean on) {
        out.send(msg().setPace(on));
    }

    @Override
    public void drawn(long version) {
        out.send(msg().setDrawn(version));
    }

    @Override
    public int computeThreads() {
        return in.status().getComputeThreads();
    }

    @Override
    public void setDevice(String choice) {
        out.send(msg().setDevice(choice));
    }

    @Override
    public void setAnalysisListener(Consumer<Analysis> listener) {
        analyses = listener;
        in.analyses(listener);
    }

    @Override
    public void estimateLipschitz() {
        out.send(msg().setLipschitz(empty()));
    }

    @Override
    public void estimateLayerSpectra() {
        out.send(msg().setLayerSpectra(empty()));
    }

    @Override
    public void startMatch(Path target, boolean keep, int budget, double stepSize) {
        sendWith(() -> msg().setStartMatch(StartMatch.newBuilder().setTarget(ClientFiles.image(target)).setKeep(keep)
                .setBudget(budget).setStepSize(stepSize)));
    }

    @Override
    public void stopMatch() {
        out.send(msg().setStopMatch(empty()));
    }

    @Override
    public void adoptMatch() {
        out.send(msg().setAdoptMatch(empty()));
    }

    /** A model of the server's catalogue, named by the folder's name ({@code dir}'s last part). */
    @Override
    public void openModel(Path dir) {
        out.send(msg().setOpenModel(dir.getFileName().toString()));
    }

    @Override
    public void openImage(Path file) {
        inputFile = file;
        sendWith(() -> msg().setOpenImage(ClientFiles.image(file)));
    }

    @Override
    public void openText(String sentence) {
        inputFile = null;
        out.send(msg().setOpenText(sentence));
    }

    @Override
    public void selectTokens(int[] positions) {
        Ints.Builder b = Ints.newBuilder();
        for (int p : positions) {
            b.addValues(p);
        }
        out.send(msg().setSelectTokens(b));
    }

    @Override
    public void setZeroShotLabels(List<String> labels) {
        out.send(msg().setLabels(Strings.newBuilder().addAllValues(labels)));
    }

    /**
     * Opens a catalogue model (named by {@code modelDir}'s last part) with an input read here: {@code sample:N} (the
     * server's samples), {@code text:...} or a .txt file (a sentence), or an image file.
     */
    @Override
    public void open(Path modelDir, String inputRef, boolean fallBackToDefault) {
        String name = modelDir.getFileName().toString();
        inputFile = ClientFiles.Input.file(inputRef);
        sendWith(() -> {
            Open.Builder o = Open.newBuilder().setModel(name).setFallBackToDefault(fallBackToDefault);
            var in = ClientFiles.Input.of(inputRef);
            if (in.sample() != null) {
                o.setSample(in.sample());
            } else if (in.sentence() != null) {
                o.setSentence(in.sentence());
            } else {
                o.setImage(in.image());
            }
            return msg().setOpen(o);
        });
    }

    @Override
    public void applySettings(Settings s) {
        out.send(msg().setSettings(Wire.settings(s)));
    }

    @Override
    public long drag(SliderKind kind, int index, double target) {
        long id;
        synchronized (dragIds) { // one id while one slider is held, as the service in process gives
            if (held == null || held.kind() != kind || held.index() != index) {
                held = new Held(kind, index, dragIds.incrementAndGet());
            }
            id = held.id();
        }
        out.send(msg().setDrag(Drag.newBuilder().setKind(kind.name()).setIndex(index).setTarget(target).setId(id)));
        return id;
    }

    @Override
    public boolean busy() {
        var s = in.status();
        return in.gone() == null && (out.sent() > s.getTaken() || s.getBusy());
    }

    @Override
    public void release() {
        synchronized (dragIds) {
            held = null;
        }
        out.send(msg().setRelease(empty()));
    }

    @Override
    public void reset() {
        out.send(msg().setReset(empty()));
    }

    @Override
    public void undo() {
        out.send(msg().setUndo(empty()));
    }

    @Override
    public void scrubTo(int step) {
        out.send(msg().setScrubTo(step));
    }

    @Override
    public void redrawNullDirections() {
        out.send(msg().setRedrawNull(empty()));
    }

    @Override
    public void play(WalkAlgorithm algorithm) {
        playing = true;
        playingSeq = out.send(msg().setPlay(algorithm.name()));
    }

    @Override
    public void pause() {
        playing = false;
        playingSeq = out.send(msg().setPause(empty()));
    }

    @Override
    public boolean isPlaying() {
        var s = in.status();
        return s.getTaken() >= playingSeq ? s.getPlaying() : playing;
    }

    @Override
    public void stepOnce(WalkAlgorithm algorithm) {
        out.send(msg().setStepOnce(algorithm.name()));
    }

    @Override
    public void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        if (in.gone() != null) { // what needs only the walk is written from the walk kept here
            Path input = inputFile;
            var walk = kept.recording();
            out.run(() -> files.saveKept(kind, file, walk, input));
            return;
        }
        Exports.GifOptions g = gif == null ? Exports.GifOptions.defaults() : gif;
        Path input = inputFile;
        out.ask(msg().setExport(Export.newBuilder().setKind(kind.name()).setFileName(file.getFileName().toString())
                .setGif(Wire.gif(g))))
                .whenCompleteAsync((r, e) -> files.write(r, e, input, file.getFileName().toString(), file,
                        file::resolveSibling, ClientFiles.madeFor(file), "saved " + file), out::run);
    }

    @Override
    public void exportPlots(Path dir) {
        Path input = inputFile;
        out.ask(msg().setExportPlots(Export.getDefaultInstance()))
                .whenCompleteAsync((r, e) -> files.write(r, e, input, "the plots in " + dir, dir, dir::resolve,
                        ClientFiles.plots(), null), out::run);
    }

    @Override
    public void savePicture(Path file, java.awt.image.BufferedImage image) {
        Path input = inputFile;
        out.run(() -> files.savePicture(file, image, input));
    }

    @Override
    public void openSession(Path file, Consumer<Consumer<Boolean>> ask) {
        asker = ask;
        in.asker(ask);
        inputFile = null;
        sendWith(() -> msg().setOpenSession(SessionData.newBuilder().setName(file.getFileName().toString())
                .setData(ByteString.copyFrom(InputFiles.readBytes(file, "session file", 256L << 20))).setAsk(true)));
    }

    @Override
    public void holdWorkerUntil(CountDownLatch gate) {
        out.send(msg().setHold(true));
        java.util.concurrent.CompletableFuture.runAsync(() -> { // a test's hold: opened when its gate opens
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.send(msg().setHold(false));
        });
    }

    @Override
    public int pendingComputations() {
        var s = in.status();
        return s.getPending() + (out.sent() > s.getTaken() ? 1 : 0); // requests on their way, as one
    }

    @Override
    public List<TrajectoryEntry> trajectory() throws InterruptedException {
        if (in.gone() != null) {
            return kept.steps();
        }
        Reply r = out.await(out.ask(msg().setTrajectory(empty())), TimeUnit.MINUTES.toMillis(10));
        return r.getTrajectoryList().stream().map(Wire::entry).toList();
    }

    @Override
    public void awaitIdle(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        out.await(out.ask(msg().setSync(empty())), timeoutMillis);
        // what the answers before it left for this client to do (an export's files to write) is done too
        CountDownLatch written = new CountDownLatch(1);
        out.run(written::countDown);
        if (!written.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("this client's writes did not finish in " + timeoutMillis + " ms");
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        out.close();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private record Held(SliderKind kind, int index, long id) {}
}
