package org.leafwalk.explore.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.File;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.remote.wire.ServerMessage;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.ServedSession;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.InvalidInputException;

/**
 * One client's session on the server: its own compute service (model, input, walk, worker thread), fed the
 * client's requests in order and sending back what the window shows through an {@link Outbox}. A request the
 * session cannot take (an unknown model, an image too large, a malformed message) gets a notice, and a reply where
 * one is awaited; the session goes on as it was. The session ends when the client ends its call or goes away, when
 * it is idle for longer than the server allows, or when the server stops; its model and memory are freed then.
 */
final class ServerSession implements StreamObserver<ClientMessage> {
    private final ComputeServer server;
    private final String peer;
    private final Outbox out;
    private final ExplorationService service;
    private final ServedSession served;
    private final ServedJob job;
    private final KeptWalk.Sender kept = new KeptWalk.Sender();
    private final Chunks.Joiner joiner;
    private final ExecutorService syncs;
    private final ExecutorService answers;
    private final Map<Long, Long> clientDrags = new ConcurrentHashMap<>();
    private final Map<Long, java.util.function.Consumer<Boolean>> asks = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong askIds = new java.util.concurrent.atomic.AtomicLong();
    private volatile long taken;
    private volatile long lastHeard = System.nanoTime();
    private volatile CountDownLatch hold; // set by the reader thread, opened by close too

    ServerSession(ComputeServer server, ServerCallStreamObserver<ServerMessage> call, String peer) {
        this.server = server;
        this.peer = peer;
        this.out = new Outbox(call, this::close, server.senders());
        this.joiner = new Chunks.Joiner(server.limits().maxMessageBytes());
        this.syncs = waiting("leafwalk-serve-sync");
        this.answers = waiting("leafwalk-serve-answer");
        call.setOnCancelHandler(this::close);
        call.setOnCloseHandler(this::close);
        this.service = new ExplorationService(server.device(), 0, 0, this::snapshot,
                n -> out.offer(ServerMessage.newBuilder().setNotice(Wire.notice(n)).build()));
        this.served = new ServedSession(service, server.catalogue()::nameOf);
        this.job = new ServedJob(server, out, peer);
        service.setAnalysisListener(a -> out.offer(new Outbox.Item(ServerMessage.KindCase.ANALYSIS,
                () -> ServerMessage.newBuilder().setAnalysis(Wire.analysis(a)).build())));
        out.offer(ServerMessage.newBuilder().setHello(server.hello()).build());
        if (!server.deviceNote().isEmpty()) {
            out.offer(ServerMessage.newBuilder().setNotice(Wire.notice(Notice.info(server.deviceNote()))).build());
        }
    }

    /** The most answers a session may have waiting: beyond them a request is refused, never a thread more. */
    static final int MAX_WAITING = 64;

    private static ExecutorService waiting(String name) {
        return new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(MAX_WAITING), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    private void waitOn(ExecutorService pool, Runnable r) {
        try {
            pool.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new InvalidInputException("more than " + MAX_WAITING + " requests wait for an answer: the session "
                    + "takes no more until they are answered");
        }
    }

    private void snapshot(Snapshot s) {
        if (s == null) {
            return;
        }
        // what the client keeps of the walk goes before the snapshot that shows it (this is the worker's thread)
        kept.note(served.sessionOnWorker());
        long dragId;
        synchronized (clientDrags) { // a drag's id is mapped before any state walked for it is published
            dragId = s.walk() == null ? -1 : clientDrags.getOrDefault(s.walk().dragId(), -1L);
        }
        out.offer(new Outbox.Item(ServerMessage.KindCase.SNAPSHOT,
                () -> ServerMessage.newBuilder().setSnapshot(Wire.snapshot(s, dragId, kept.news())).build()));
        status();
    }

    private volatile String lastState = "";

    /** A status when what the session does changed since the last one (the worker went idle, a walk stopped). */
    void statusIfChanged() {
        if (!state().equals(lastState)) {
            status();
        }
    }

    private String state() {
        return service.busy() + " " + service.isPlaying() + " " + (service.activity() != null) + " "
                + service.pendingComputations();
    }

    /** Sends where the session stands: the last request taken, whether it computes, what. */
    void status() {
        lastState = state();
        var b = org.leafwalk.explore.remote.wire.Status.newBuilder().setTaken(taken).setBusy(service.busy())
                .setPlaying(service.isPlaying()).setPending(service.pendingComputations())
                .setComputeThreads(service.computeThreads());
        var a = service.activity();
        if (a != null) {
            b.setActive(true).setActivity(a.what()).setFraction(a.fraction()).setSeconds(a.seconds());
        }
        out.offer(ServerMessage.newBuilder().setStatus(b).build());
    }

    boolean busy() {
        return service.busy() || job.running();
    }

    /** Nanoseconds since the client last sent anything. */
    long idleNanos() {
        return System.nanoTime() - lastHeard;
    }

    long sentBytes() {
        return out.sentBytes();
    }

    long sentSnapshots() {
        return out.sentSnapshots();
    }

    @Override
    public void onNext(ClientMessage m) {
        lastHeard = System.nanoTime();
        try {
            if (m.hasChunk()) {
                var whole = joiner.add(m.getChunk());
                if (whole == null) {
                    return;
                }
                m = ClientMessage.parseFrom(whole);
                if (m.hasChunk()) {
                    throw new InvalidInputException("a chunk inside a chunk");
                }
            }
            handle(m);
        } catch (InvalidInputException | InvalidProtocolBufferException e) {
            refuse(m, e.getMessage());
        } catch (RuntimeException e) {
            server.log(peer + ": a request failed: " + e);
            refuse(m, "the server could not take the request: " + e.getMessage());
        }
        taken = Math.max(taken, m.getSeq());
        status();
    }

    /** The client's error: a notice, and a reply to a request that awaits one; nothing else changes. */
    private void refuse(ClientMessage m, String why) {
        out.offer(ServerMessage.newBuilder().setNotice(Wire.notice(Notice.error(why))).build());
        switch (m.getKindCase()) {
            case EXPORT, EXPORT_PLOTS, TRAJECTORY, SYNC, JOB -> reply(Reply.newBuilder().setSeq(m.getSeq()).setError(why));
            default -> { }
        }
    }

    private void reply(Reply.Builder r) {
        Reply built = r.build();
        out.offer(ServerMessage.newBuilder().setReply(built).build());
    }

    private void handle(ClientMessage m) {
        var lim = server.limits();
        switch (m.getKindCase()) {
            case OPEN -> {
                var o = m.getOpen();
                var dir = server.catalogue().folder(o.getModel());
                switch (o.getInputCase()) {
                    case IMAGE -> served.open(dir, lim.imageName(o.getImage().getName()), lim.image(o.getImage()
                            .getData()), null, "", o.getFallBackToDefault());
                    case SENTENCE -> served.open(dir, null, null, lim.sentence(o.getSentence()), "",
                            o.getFallBackToDefault());
                    default -> served.open(dir, null, null, null, o.getSample(), o.getFallBackToDefault());
                }
            }
            case OPEN_MODEL -> service.openModel(server.catalogue().folder(m.getOpenModel()));
            case OPEN_IMAGE -> served.openImage(lim.imageName(m.getOpenImage().getName()),
                    lim.image(m.getOpenImage().getData()));
            case OPEN_TEXT -> service.openText(lim.sentence(m.getOpenText()));
            case SELECT_TOKENS -> service.selectTokens(m.getSelectTokens().getValuesList().stream()
                    .mapToInt(Integer::intValue).toArray());
            case LABELS -> service.setZeroShotLabels(lim.labels(m.getLabels().getValuesList()));
            case SETTINGS -> service.applySettings(Wire.settings(m.getSettings()).validate());
            case DRAG -> {
                var d = m.getDrag();
                SliderKind kind = Wire.name(SliderKind.class, d.getKind());
                double target = Limits.finite(d.getTarget());
                synchronized (clientDrags) {
                    long id = service.drag(kind, d.getIndex(), target);
                    clientDrags.keySet().removeIf(k -> k < id - 64);
                    clientDrags.put(id, d.getId());
                }
            }
            case RELEASE -> service.release();
            case RESET -> service.reset();
            case UNDO -> service.undo();
            case SCRUB_TO -> service.scrubTo(m.getScrubTo());
            case REDRAW_NULL -> service.redrawNullDirections();
            case PLAY -> service.play(Wire.name(WalkAlgorithm.class, m.getPlay()));
            case PAUSE -> service.pause();
            case STEP_ONCE -> service.stepOnce(Wire.name(WalkAlgorithm.class, m.getStepOnce()));
            case CANCEL -> service.cancel();
            case PACE -> service.paceWithDisplay(m.getPace());
            case DRAWN -> service.drawn(m.getDrawn());
            case DEVICE -> {
                if (!server.allowsDevice(m.getDevice())) {
                    throw new InvalidInputException("this server computes on " + server.device() + ": it was started "
                            + "so, and a session cannot move to '" + Catalogue.abbreviated(m.getDevice()) + "'");
                }
                service.setDevice(m.getDevice());
            }
            case LIPSCHITZ -> service.estimateLipschitz();
            case LAYER_SPECTRA -> service.estimateLayerSpectra();
            case START_MATCH -> {
                var s = m.getStartMatch();
                served.startMatch(lim.imageName(s.getTarget().getName()), lim.image(s.getTarget().getData()),
                        s.getKeep(), s.getBudget(), Limits.finite(s.getStepSize()));
            }
            case STOP_MATCH -> service.stopMatch();
            case ADOPT_MATCH -> service.adoptMatch();
            case EXPORT -> {
                var e = m.getExport();
                var gif = e.hasGif() ? Wire.gif(e.getGif()) : Exports.GifOptions.defaults();
                long seq = m.getSeq();
                served.export(Wire.name(ExportKind.class, e.getKind()), lim.fileName(e.getFileName()), gif,
                        files -> replyFiles(seq, files));
            }
            case EXPORT_PLOTS -> {
                long seq = m.getSeq();
                served.exportPlots(files -> replyFiles(seq, files));
            }
            case TRAJECTORY -> {
                long seq = m.getSeq();
                waitOn(answers, answering(seq, () -> {
                    var r = Reply.newBuilder().setSeq(seq);
                    service.trajectory().forEach(t -> r.addTrajectory(Wire.entry(t)));
                    reply(r);
                }));
            }
            case SYNC -> {
                long seq = m.getSeq();
                waitOn(syncs, answering(seq, () -> {
                    service.awaitIdle(TimeUnit.DAYS.toMillis(1));
                    status(); // where it stands now (idle), before the answer
                    reply(Reply.newBuilder().setSeq(seq));
                }));
            }
            case ANSWER -> {
                var answer = asks.remove(m.getAnswer().getAsk());
                if (answer != null) {
                    answer.accept(m.getAnswer().getRecompute());
                }
            }
            case HOLD -> {
                if (!server.testHooks()) {
                    throw new InvalidInputException("this server takes no hold (a test's request)");
                }
                if (m.getHold() && hold == null) {
                    hold = new CountDownLatch(1);
                    service.holdWorkerUntil(hold);
                } else if (!m.getHold() && hold != null) {
                    hold.countDown();
                    hold = null;
                }
            }
            case OPEN_SESSION -> {
                var d = m.getOpenSession();
                boolean recompute = d.getRecompute();
                served.openSession(lim.imageName(d.getName()), lim.session(d.getData()),
                        server.catalogue()::sessionModel, !d.getAsk() ? answer -> answer.accept(recompute) : answer -> {
                            long id = askIds.incrementAndGet();
                            asks.put(id, answer);
                            out.offer(ServerMessage.newBuilder().setAsk(org.leafwalk.explore.remote.wire.Ask
                                    .newBuilder().setId(id).setSession(d.getName()).setQuestion("The model's weights "
                                            + "changed since this session was saved: recompute the recorded outputs?"))
                                    .build());
                        });
            }
            case JOB -> job.start(m.getSeq(), m.getJob());
            case STOP_JOB -> job.stop(m.getStopJob());
            case CHUNK, KIND_NOT_SET -> throw new InvalidInputException("a message of no kind");
        }
    }

    private interface Answer {
        void run() throws InterruptedException;
    }

    /** A wait for an answer, off the reader's thread: whatever it ends in, the client gets a reply. */
    private Runnable answering(long seq, Answer a) {
        return () -> {
            try {
                a.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                server.log(peer + ": an answer failed: " + e);
                reply(Reply.newBuilder().setSeq(seq).setError(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        };
    }

    private void replyFiles(long seq, Map<String, byte[]> files) {
        var r = Reply.newBuilder().setSeq(seq);
        if (files == null) {
            r.setError("nothing was exported");
        } else {
            files.forEach((name, bytes) -> r.addFiles(File.newBuilder().setName(name)
                    .setData(com.google.protobuf.ByteString.copyFrom(bytes))));
        }
        reply(r);
    }

    @Override
    public void onError(Throwable t) {
        close(); // the client went away
    }

    @Override
    public void onCompleted() {
        out.close(null); // and the session closes with it
    }

    /** Ends the session with a status for the client (the server stops, the session was idle too long). */
    void end(Status status) {
        out.close(status.asRuntimeException()); // and the session closes with it
    }

    /** Frees the session: its model and worker, on a thread of their own (closing waits for the worker). */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (hold != null) {
            hold.countDown();
        }
        job.close();
        syncs.shutdownNow();
        answers.shutdownNow();
        out.close(io.grpc.Status.CANCELLED.withDescription("the session ended").asRuntimeException());
        server.closed(this);
        Thread t = new Thread(service::close, "leafwalk-serve-close");
        t.setDaemon(true);
        t.start();
    }

    String peer() {
        return peer;
    }

    List<String> describe() {
        return List.of(peer);
    }
}
