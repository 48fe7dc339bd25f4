package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.remote.wire.Answer;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.Drag;
import org.leafwalk.explore.remote.wire.Empty;
import org.leafwalk.explore.remote.wire.Export;
import org.leafwalk.explore.remote.wire.ExploreGrpc;
import org.leafwalk.explore.remote.wire.GifOptions;
import org.leafwalk.explore.remote.wire.Hello;
import org.leafwalk.explore.remote.wire.ImageData;
import org.leafwalk.explore.remote.wire.Ints;
import org.leafwalk.explore.remote.wire.Open;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.remote.wire.ServerMessage;
import org.leafwalk.explore.remote.wire.SessionData;
import org.leafwalk.explore.remote.wire.StartMatch;
import org.leafwalk.explore.remote.wire.Strings;
import org.leafwalk.explore.service.Activity;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.InputFiles;
import org.leafwalk.io.InvalidInputException;

/**
 * The compute service of a {@code leafwalk serve} elsewhere, as the window sees the one in its own process: the same
 * requests, never blocking the caller, answered by the same snapshots, notices and analyses. Requests go to the server
 * in the order they were made, from one thread of this client; files are read here and sent as data, and exports come
 * back as data and are written here, through the same checks and the same safe writer as in-process exports.
 */
public final class RemoteExploration implements Exploration {
    private final ManagedChannel channel;
    private final Consumer<Snapshot> snapshots;
    private final Consumer<Notice> notices;
    private volatile Consumer<Analysis> analyses = a -> { };
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leafwalk-remote-send");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong seq = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong dragIds = new AtomicLong();

    private record Held(SliderKind kind, int index, long id) {}

    private Held held; // guarded by dragIds
    private final Map<Long, CompletableFuture<Reply>> replies = new ConcurrentHashMap<>();
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final Chunks.Joiner joiner = new Chunks.Joiner(2L << 30) /* a ViT-Large snapshot is about 40 MB */;
    private final CompletableFuture<Hello> hello = new CompletableFuture<>();
    private final String address;
    private final io.grpc.CallCredentials token;
    private volatile org.leafwalk.explore.remote.wire.Status status =
            org.leafwalk.explore.remote.wire.Status.getDefaultInstance();
    private volatile long sent;
    private volatile double roundTripMillis = Double.NaN;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final AtomicLong snapshotCount = new AtomicLong();
    private volatile String gone;
    private volatile Path inputFile; // the image file opened here, which exports must not replace
    private volatile boolean playing;
    private volatile Consumer<Consumer<Boolean>> asker = answer -> answer.accept(false);
    private volatile long playingSeq;
    private StreamObserver<ClientMessage> requests; // the sender thread only

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
        this.snapshots = snapshots;
        this.notices = notices;
        var stub = ExploreGrpc.newStub(channel).withCallCredentials(token);
        CountDownLatch started = new CountDownLatch(1);
        run(() -> {
            requests = stub.session(new Receiver());
            started.countDown();
        });
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server as the status bar names it: its host, device and the round trip of the last request. */
    @Override
    public String connection() {
        if (gone != null) {
            return address + ": " + gone;
        }
        Hello h = hello.getNow(null);
        String rtt = Double.isNaN(roundTripMillis) ? "" : String.format(java.util.Locale.ROOT, ", %.1f ms round trip",
                roundTripMillis);
        return h == null ? "connecting to " + address : "Server: " + address + " (" + h.getDevice() + ")" + rtt;
    }

    /** Snapshots received so far and their bytes on the wire: {count, bytes}. */
    public long[] snapshotsReceived() {
        return new long[] {snapshotCount.get(), snapshotBytes.get()};
    }

    /** The server's catalogue, memory and sessions now (a unary call, bounded by {@code millis}). */
    public org.leafwalk.explore.remote.wire.CatalogueReply catalogue(long millis) {
        return ExploreGrpc.newBlockingStub(channel).withCallCredentials(token)
                .withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
                .catalogue(org.leafwalk.explore.remote.wire.CatalogueRequest.getDefaultInstance());
    }

    /** The server's greeting (its host, device and models), waiting at most {@code millis} for it. */
    public Hello hello(long millis) throws InterruptedException {
        try {
            return hello.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the server at " + address + " did not answer: "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no greeting in " + millis + " ms"), e);
        }
    }

    // ---- sending ----

    private long send(ClientMessage.Builder m) {
        synchronized (seq) { // numbered in the order they are queued, so the server takes them in that order
            long n = seq.incrementAndGet();
            m.setSeq(n);
            sent = n;
            run(() -> write(m.build()));
            return n;
        }
    }

    /** Reads a file here and sends the message it makes, in order with every other request. */
    private void sendWith(java.util.function.Supplier<ClientMessage.Builder> make) {
        synchronized (seq) {
            long n = seq.incrementAndGet();
            sent = n;
            run(() -> {
                ClientMessage.Builder m;
                try {
                    m = make.get();
                } catch (RuntimeException e) {
                    notices.accept(Notice.error(e.getMessage() == null ? e.toString() : e.getMessage()));
                    m = ClientMessage.newBuilder().setSync(Empty.getDefaultInstance()); // changes nothing; keeps the count
                }
                write(m.setSeq(n).build());
            });
        }
    }

    private void write(ClientMessage m) {
        if (gone != null) {
            return;
        }
        sentAt.put(m.getSeq(), System.nanoTime());
        if (m.getSerializedSize() <= Chunks.SIZE) {
            requests.onNext(m);
        } else {
            for (var c : Chunks.split(m.toByteString())) {
                requests.onNext(ClientMessage.newBuilder().setChunk(c).build());
            }
        }
    }

    private CompletableFuture<Reply> ask(ClientMessage.Builder m) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        synchronized (seq) {
            long n = seq.incrementAndGet();
            m.setSeq(n);
            sent = n;
            if (gone != null || closed.get()) {
                f.completeExceptionally(new IllegalStateException(gone != null ? gone : "this client is closed"));
                return f;
            }
            replies.put(n, f);
            run(() -> write(m.build()));
        }
        return f;
    }

    /** Runs on the sender thread, in order; after {@link #close} nothing more is sent. */
    private void run(Runnable r) {
        try {
            sender.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: the request goes nowhere, as the window is going away
        }
    }

    private static ClientMessage.Builder msg() {
        return ClientMessage.newBuilder();
    }

    private static Empty empty() {
        return Empty.getDefaultInstance();
    }

    private static ImageData image(Path file) {
        byte[] data = InputFiles.readBytes(file, "image", 32L << 20);
        return ImageData.newBuilder().setName(file.getFileName().toString()).setData(ByteString.copyFrom(data)).build();
    }

    // ---- the requests ----

    @Override
    public void cancel() {
        send(msg().setCancel(empty()));
    }

    @Override
    public Activity activity() {
        var s = status;
        return s.getActive() ? new Activity(s.getActivity(), s.getFraction(), s.getSeconds()) : null;
    }

    @Override
    public void paceWithDisplay(boolean on) {
        send(msg().setPace(on));
    }

    @Override
    public void drawn(long version) {
        send(msg().setDrawn(version));
    }

    @Override
    public int computeThreads() {
        return status.getComputeThreads();
    }

    @Override
    public void setDevice(String choice) {
        send(msg().setDevice(choice));
    }

    @Override
    public void setAnalysisListener(Consumer<Analysis> listener) {
        analyses = listener == null ? a -> { } : listener;
    }

    @Override
    public void estimateLipschitz() {
        send(msg().setLipschitz(empty()));
    }

    @Override
    public void estimateLayerSpectra() {
        send(msg().setLayerSpectra(empty()));
    }

    @Override
    public void startMatch(Path target, boolean keep, int budget, double stepSize) {
        sendWith(() -> msg().setStartMatch(StartMatch.newBuilder().setTarget(image(target)).setKeep(keep)
                .setBudget(budget).setStepSize(stepSize)));
    }

    @Override
    public void stopMatch() {
        send(msg().setStopMatch(empty()));
    }

    @Override
    public void adoptMatch() {
        send(msg().setAdoptMatch(empty()));
    }

    /** A model of the server's catalogue, named by the folder's name ({@code dir}'s last part). */
    @Override
    public void openModel(Path dir) {
        send(msg().setOpenModel(dir.getFileName().toString()));
    }

    @Override
    public void openImage(Path file) {
        inputFile = file;
        sendWith(() -> msg().setOpenImage(image(file)));
    }

    @Override
    public void openText(String sentence) {
        inputFile = null;
        send(msg().setOpenText(sentence));
    }

    @Override
    public void selectTokens(int[] positions) {
        Ints.Builder b = Ints.newBuilder();
        for (int p : positions) {
            b.addValues(p);
        }
        send(msg().setSelectTokens(b));
    }

    @Override
    public void setZeroShotLabels(List<String> labels) {
        send(msg().setLabels(Strings.newBuilder().addAllValues(labels)));
    }

    @Override
    public void open(Path modelDir, String inputRef) {
        open(modelDir, inputRef, false);
    }

    /**
     * Opens a catalogue model (named by {@code modelDir}'s last part) with an input read here: {@code sample:N} (the
     * server's samples), {@code text:...} or a .txt file (a sentence), or an image file.
     */
    @Override
    public void open(Path modelDir, String inputRef, boolean fallBackToDefault) {
        String name = modelDir.getFileName().toString();
        boolean text = inputRef != null && (inputRef.startsWith("text:") || inputRef.endsWith(".txt"));
        inputFile = inputRef == null || inputRef.startsWith("sample:") || text ? null : Path.of(inputRef);
        sendWith(() -> {
            Open.Builder o = Open.newBuilder().setModel(name).setFallBackToDefault(fallBackToDefault);
            if (inputRef == null || inputRef.isBlank()) {
                o.setSample("");
            } else if (inputRef.startsWith("sample:")) {
                o.setSample(inputRef);
            } else if (text) {
                o.setSentence(References.text(inputRef));
            } else {
                o.setImage(image(Path.of(inputRef)));
            }
            return msg().setOpen(o);
        });
    }

    @Override
    public void applySettings(Settings s) {
        send(msg().setSettings(Wire.settings(s)));
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
        send(msg().setDrag(Drag.newBuilder().setKind(kind.name()).setIndex(index).setTarget(target).setId(id)));
        return id;
    }

    @Override
    public boolean busy() {
        var s = status;
        return gone == null && (sent > s.getTaken() || s.getBusy());
    }

    @Override
    public void release() {
        synchronized (dragIds) {
            held = null;
        }
        send(msg().setRelease(empty()));
    }

    @Override
    public void reset() {
        send(msg().setReset(empty()));
    }

    @Override
    public void undo() {
        send(msg().setUndo(empty()));
    }

    @Override
    public void scrubTo(int step) {
        send(msg().setScrubTo(step));
    }

    @Override
    public void redrawNullDirections() {
        send(msg().setRedrawNull(empty()));
    }

    @Override
    public void play(WalkAlgorithm algorithm) {
        playing = true;
        playingSeq = send(msg().setPlay(algorithm.name()));
    }

    @Override
    public void pause() {
        playing = false;
        playingSeq = send(msg().setPause(empty()));
    }

    @Override
    public boolean isPlaying() {
        var s = status;
        return s.getTaken() >= playingSeq ? s.getPlaying() : playing;
    }

    @Override
    public void stepOnce(WalkAlgorithm algorithm) {
        send(msg().setStepOnce(algorithm.name()));
    }

    @Override
    public void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        Exports.GifOptions g = gif == null ? Exports.GifOptions.defaults() : gif;
        ask(msg().setExport(Export.newBuilder().setKind(kind.name()).setFileName(file.getFileName().toString())
                .setGif(GifOptions.newBuilder().setEvery(g.every()).setDelayMillis(g.delayMillis()).setLoops(g.loops())
                        .setScale(g.scale()).setWithBars(g.withBars()))))
                .whenCompleteAsync((r, e) -> write(r, e, file, file.getFileName().toString(), n -> file.resolveSibling(n),
                        n -> n.equals(file.getFileName().toString()) || siblingPng(file, n), "saved " + file),
                        this::run);
    }

    @Override
    public void exportPlots(Path dir) {
        ask(msg().setExportPlots(Export.getDefaultInstance()))
                .whenCompleteAsync((r, e) -> write(r, e, dir, "the plots in " + dir, dir::resolve,
                        n -> n.matches("[a-z0-9][a-z0-9-]*\\.(png|svg)"), null), this::run);
    }

    /** Writes what an export sent back, here, through the checks of every export (never over the input image). */
    private static final int MAX_EXPORT_FILES = 64;

    private void write(Reply r, Throwable e, Path target, String what, java.util.function.Function<String, Path> at,
            java.util.function.Predicate<String> expected, String saved) {
        if (e != null || !r.getError().isEmpty()) {
            if (e != null) {
                notices.accept(Notice.error("could not save " + what + ": " + e.getMessage()));
            }
            return; // the server said why in a notice
        }
        try {
            Map<Path, byte[]> files = new LinkedHashMap<>();
            if (r.getFilesCount() > MAX_EXPORT_FILES) {
                throw new InvalidInputException("the server sent " + r.getFilesCount() + " files for one export");
            }
            for (var f : r.getFilesList()) {
                if (!expected.test(f.getName())) {
                    throw new InvalidInputException("the server sent a file named '" + f.getName()
                            + "', which this export does not make");
                }
                files.put(at.apply(f.getName()), f.getData().toByteArray());
            }
            new OutputPlan().input("input image", inputFile).stageChecked("the export", files).commit();
            notices.accept(Notice.info(saved != null ? saved : "saved " + files.size() / 2 + " plots as PNG and SVG in "
                    + target));
        } catch (RuntimeException ex) {
            notices.accept(Notice.error("could not save " + what + ": " + ex.getMessage()));
        }
    }

    /** A PNG export's scaled picture beside it: NAME-xSCALE.png, as {@link Exports#scaledPng} names it. */
    private static boolean siblingPng(Path file, String name) {
        String f = file.getFileName().toString();
        String base = f.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? f.substring(0, f.length() - 4) : f;
        return name.matches(java.util.regex.Pattern.quote(base) + "-x[0-9]{1,3}\\.png");
    }

    @Override
    public void savePicture(Path file, java.awt.image.BufferedImage image) {
        run(() -> {
            try {
                new OutputPlan().input("input image", inputFile).stageChecked("the picture",
                        Map.of(file, org.leafwalk.io.Images.encodePng(image))).commit();
                notices.accept(Notice.info("saved " + file));
            } catch (RuntimeException e) {
                notices.accept(Notice.error("could not save " + file.getFileName() + ": " + e.getMessage()));
            }
        });
    }

    @Override
    public void openSession(Path file, Consumer<Consumer<Boolean>> ask) {
        asker = ask;
        inputFile = null;
        sendWith(() -> msg().setOpenSession(SessionData.newBuilder().setName(file.getFileName().toString())
                .setData(ByteString.copyFrom(InputFiles.readBytes(file, "session file", 256L << 20))).setAsk(true)));
    }

    @Override
    public void openSession(Path file, boolean recompute) {
        openSession(file, answer -> answer.accept(recompute));
    }

    @Override
    public void holdWorkerUntil(CountDownLatch gate) {
        send(msg().setHold(true));
        Thread t = new Thread(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(msg().setHold(false));
        }, "leafwalk-remote-hold");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public int pendingComputations() {
        var s = status;
        return s.getPending() + (sent > s.getTaken() ? 1 : 0); // requests on their way, as one
    }

    @Override
    public List<TrajectoryEntry> trajectory() throws InterruptedException {
        Reply r = await(ask(msg().setTrajectory(empty())), TimeUnit.MINUTES.toMillis(10));
        return r.getTrajectoryList().stream().map(Wire::entry).toList();
    }

    @Override
    public void awaitIdle(long timeoutMillis) throws InterruptedException {
        await(ask(msg().setSync(empty())), timeoutMillis);
        // what the answers before it left for this client to do (an export's files to write) is done too
        CountDownLatch written = new CountDownLatch(1);
        run(written::countDown);
        if (!written.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("this client's writes did not finish in " + timeoutMillis + " ms");
        }
    }

    private Reply await(CompletableFuture<Reply> f, long millis) throws InterruptedException {
        try {
            return awaited(f, millis);
        } finally {
            replies.values().remove(f);
        }
    }

    private Reply awaited(CompletableFuture<Reply> f, long millis) throws InterruptedException {
        try {
            Reply r = f.get(millis, TimeUnit.MILLISECONDS);
            if (!r.getError().isEmpty()) {
                throw new IllegalStateException(r.getError());
            }
            return r;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the server at " + address + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the server at " + address + " did not answer in " + millis + " ms", e);
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException("this client is closed")));
        replies.clear();
        run(() -> {
            if (gone == null) {
                try {
                    requests.onCompleted();
                } catch (IllegalStateException e) {
                    // already over
                }
            }
        });
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
            channel.shutdown();
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- receiving ----

    private final class Receiver implements ClientResponseObserver<ClientMessage, ServerMessage> {
        @Override
        public void beforeStart(ClientCallStreamObserver<ClientMessage> call) {
            // requests are few and small; the server paces what it sends with flow control
        }

        @Override
        public void onNext(ServerMessage m) {
            try {
                if (m.hasChunk()) {
                    ByteString whole = joiner.add(m.getChunk());
                    if (whole == null) {
                        return;
                    }
                    m = ServerMessage.parseFrom(whole);
                }
                receive(m);
            } catch (InvalidProtocolBufferException | InvalidInputException e) {
                notices.accept(Notice.error("the server at " + address + " sent what this client cannot read: "
                        + e.getMessage()));
            } catch (RuntimeException e) {
                // a message this client cannot take ends nothing: the session goes on, the user is told
                notices.accept(Notice.error("a message from the server at " + address + " could not be shown: " + e));
            }
        }

        @Override
        public void onError(Throwable t) {
            String why = t instanceof io.grpc.StatusRuntimeException s ? describe(s.getStatus()) : t.toString();
            lost(why);
        }

        @Override
        public void onCompleted() {
            lost("the server ended the session");
        }
    }

    private void receive(ServerMessage m) {
        switch (m.getKindCase()) {
            case HELLO -> hello.complete(m.getHello());
            case SNAPSHOT -> {
                snapshotBytes.addAndGet(m.getSerializedSize());
                snapshotCount.incrementAndGet();
                snapshots.accept(Wire.snapshot(m.getSnapshot()));
            }
            case NOTICE -> notices.accept(Wire.notice(m.getNotice()));
            case ANALYSIS -> analyses.accept(Wire.analysis(m.getAnalysis()));
            case STATUS -> {
                var s = m.getStatus();
                Long at = sentAt.remove(s.getTaken());
                if (at != null) {
                    roundTripMillis = (System.nanoTime() - at) / 1e6;
                }
                sentAt.keySet().removeIf(k -> k < s.getTaken());
                status = s;
            }
            case ASK -> {
                long id = m.getAsk().getId();
                asker.accept(yes -> send(msg().setAnswer(Answer.newBuilder().setAsk(id)
                        .setRecompute(Boolean.TRUE.equals(yes)))));
            }
            case REPLY -> {
                var f = replies.remove(m.getReply().getSeq());
                if (f != null) {
                    f.complete(m.getReply());
                }
            }
            default -> { }
        }
    }

    private static String describe(io.grpc.Status s) {
        return switch (s.getCode()) {
            case UNAUTHENTICATED -> "the server refused the token (" + s.getDescription() + ")";
            case UNAVAILABLE -> "the server cannot be reached or is gone (" + s.getDescription() + ")";
            default -> s.getCode() + (s.getDescription() != null ? ": " + s.getDescription() : "");
        };
    }

    /** The server is gone: what was shown stays, pending answers fail, and the user is told. */
    private void lost(String why) {
        if (gone != null || closed.get()) {
            return;
        }
        gone = why;
        hello.completeExceptionally(new IllegalStateException(why));
        replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
        replies.clear();
        notices.accept(Notice.banner("the server at " + address + " is gone: " + why
                + "; the last computed state is kept"));
    }
}
