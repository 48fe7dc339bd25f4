package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.remote.wire.Answer;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.Hello;
import org.leafwalk.explore.remote.wire.ServerMessage;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.io.InvalidInputException;

/**
 * What a client hears from its server, on gRPC's thread, in order: pieces joined, snapshots, notices and analyses
 * handed on, statuses kept (with the round trip they close), answers given to the requests that await them, the
 * server's questions put to the user; and that the server is gone, once.
 */
final class Incoming implements ClientResponseObserver<ClientMessage, ServerMessage> {
    private final String address;
    private final Consumer<Snapshot> snapshots;
    private final Consumer<Notice> notices;
    private final Requests out;
    private final BooleanSupplier closed;
    private final Chunks.Joiner joiner = new Chunks.Joiner(2L << 30); // a ViT-Large snapshot is about 40 MB
    private final CompletableFuture<Hello> hello = new CompletableFuture<>();
    private final KeptWalk kept;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final AtomicLong snapshotCount = new AtomicLong();
    private volatile Consumer<Analysis> analyses = a -> { };
    private volatile Consumer<org.leafwalk.explore.remote.wire.JobProgress> jobs = p -> { };
    private volatile Consumer<Consumer<Boolean>> asker = answer -> answer.accept(false);
    private volatile org.leafwalk.explore.remote.wire.Status status =
            org.leafwalk.explore.remote.wire.Status.getDefaultInstance();
    private volatile double roundTripMillis = Double.NaN;
    private volatile String gone;

    Incoming(String address, Consumer<Snapshot> snapshots, Consumer<Notice> notices, Requests out,
            BooleanSupplier closed, KeptWalk kept) {
        this.address = address;
        this.kept = kept;
        this.snapshots = snapshots;
        this.notices = notices;
        this.out = out;
        this.closed = closed;
    }

    org.leafwalk.explore.remote.wire.Status status() {
        return status;
    }

    /** Why the server is gone; null while it serves. */
    String gone() {
        return gone;
    }

    double roundTripMillis() {
        return roundTripMillis;
    }

    Hello helloNow() {
        return hello.getNow(null);
    }

    void analyses(Consumer<Analysis> listener) { // null: none yet
        analyses = listener == null ? a -> { } : listener;
    }

    void jobProgress(Consumer<org.leafwalk.explore.remote.wire.JobProgress> listener) {
        jobs = listener;
    }

    void asker(Consumer<Consumer<Boolean>> ask) {
        asker = ask;
    }

    long[] snapshotsReceived() {
        return new long[] {snapshotCount.get(), snapshotBytes.get()};
    }

    /** The server's greeting, waiting at most {@code millis} for it. */
    Hello hello(long millis) throws InterruptedException {
        try {
            return hello.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the server at " + address + " did not answer: "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no greeting in " + millis + " ms"), e);
        }
    }

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
        lost("it ended the session");
    }

    private void receive(ServerMessage m) {
        switch (m.getKindCase()) {
            case HELLO -> hello.complete(m.getHello());
            case SNAPSHOT -> {
                if (m.getSnapshot().hasKept()) {
                    kept.take(m.getSnapshot().getKept()); // kept before it is shown
                }
                snapshotBytes.addAndGet(m.getSerializedSize());
                snapshotCount.incrementAndGet();
                snapshots.accept(Wire.snapshot(m.getSnapshot()));
            }
            case NOTICE -> notices.accept(Wire.notice(m.getNotice()));
            case ANALYSIS -> analyses.accept(Wire.analysis(m.getAnalysis()));
            case STATUS -> {
                var s = m.getStatus();
                double rtt = out.took(s.getTaken());
                if (!Double.isNaN(rtt)) {
                    roundTripMillis = rtt;
                }
                status = s;
            }
            case ASK -> {
                long id = m.getAsk().getId();
                asker.accept(yes -> out.send(ClientMessage.newBuilder().setAnswer(Answer.newBuilder().setAsk(id)
                        .setRecompute(Boolean.TRUE.equals(yes)))));
            }
            case REPLY -> out.answered(m.getReply());
            case JOB_PROGRESS -> jobs.accept(m.getJobProgress());
            default -> { }
        }
    }

    private static String describe(io.grpc.Status s) {
        return switch (s.getCode()) {
            case UNAUTHENTICATED -> "the server refused the token (" + s.getDescription() + ")";
            case UNAVAILABLE -> "it cannot be reached (" + s.getDescription() + ")";
            default -> s.getCode() + (s.getDescription() != null ? ": " + s.getDescription() : "");
        };
    }

    /** The server is gone: what was shown stays, pending answers fail, and the user is told. */
    private void lost(String why) {
        if (gone != null || closed.getAsBoolean()) {
            return;
        }
        gone = why;
        hello.completeExceptionally(new IllegalStateException(why));
        out.end(why);
        int steps = kept.size() - 1; // the start is not a step
        notices.accept(new Notice(Notice.Level.BANNER, "The server at " + address + " is gone (" + why
                + "). The last computed state is kept" + (steps > 0 ? ", and the " + steps + (steps == 1 ? " step"
                        : " steps") + " walked: save them as a session, or reconnect to go on" : "") + ".", false,
                Notice.RECONNECT));
    }
}
