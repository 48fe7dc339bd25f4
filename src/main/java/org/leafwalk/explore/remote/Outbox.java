package org.leafwalk.explore.remote;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import org.leafwalk.explore.remote.wire.ServerMessage;

/**
 * What a session sends its client, paced by the client: gRPC's flow control says when the client can take more
 * ({@code isReady}), and only then is the next message sent. Snapshots (with the kept walk inside), statuses and a job's progress are latest-wins: one waiting is
 * replaced by a newer one, so a slow client gets fewer, newer snapshots and the queue never grows past the messages
 * that must all arrive (notices, analyses, replies), which are few; everything keeps its order, so a reply to a sync
 * comes after the snapshot it follows.
 */
final class Outbox {
    /** Messages that must all arrive, beyond which the client is not reading: the session is ended. */
    static final int MAX_QUEUED = 10_000;

    private final ServerCallStreamObserver<ServerMessage> call;
    private final Object wire = new Object(); // one thread at a time on the call
    /** A message to send, made when it is sent (a snapshot replaced before it goes is never encoded). */
    record Item(ServerMessage.KindCase kind, java.util.function.Supplier<ServerMessage> make, long bytes) {
        Item(ServerMessage.KindCase kind, java.util.function.Supplier<ServerMessage> make) {
            this(kind, make, 0);
        }

        static Item of(ServerMessage m) {
            return new Item(m.getKindCase(), () -> m, m.getSerializedSize());
        }
    }

    private final Deque<Item> queue = new ArrayDeque<>(); // guarded by this
    private boolean sending; // guarded by this
    private boolean closed; // guarded by this
    private long sentBytes; // guarded by this
    private long sentSnapshots; // guarded by this

    /** The bytes of messages that must all arrive that may wait for a client: beyond them it is not reading. */
    static final long MAX_QUEUED_BYTES = 512L << 20;

    private final Runnable onClosed;
    private long queuedBytes; // guarded by this

    /**
     * @param closed told when the outbox ends the call itself (a client that reads nothing)
     * @param ready where the messages that waited for a slow client are made and sent: never the transport's own
     *     thread, which every session's I/O shares (a ViT-Large snapshot takes long to encode)
     */
    Outbox(ServerCallStreamObserver<ServerMessage> call, Runnable closed, java.util.concurrent.Executor ready) {
        this.call = call;
        this.onClosed = closed;
        call.setOnReadyHandler(() -> {
            try {
                ready.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server is stopping: nothing more is sent
            }
        });
    }

    /** Queues a message; a snapshot or status replaces one of its kind waiting at the end of the queue. */
    void offer(ServerMessage m) {
        offer(Item.of(m));
    }

    void offer(Item m) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (coalesces(m)) {
                // the one of its kind waiting since the last message that must arrive is replaced
                for (var it = queue.descendingIterator(); it.hasNext(); ) {
                    Item waiting = it.next();
                    if (!coalesces(waiting)) {
                        break;
                    }
                    if (waiting.kind() == m.kind()) {
                        it.remove();
                        break;
                    }
                }
            }
            if (queue.size() < MAX_QUEUED && queuedBytes + m.bytes() <= MAX_QUEUED_BYTES) {
                queue.addLast(m);
                queuedBytes += m.bytes();
                m = null;
            }
        }
        if (m != null) {
            close(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("the client reads none of its session's messages")
                    .asRuntimeException());
            return;
        }
        drain();
    }

    private static boolean coalesces(Item m) {
        return m.kind() == ServerMessage.KindCase.SNAPSHOT || m.kind() == ServerMessage.KindCase.STATUS
                || m.kind() == ServerMessage.KindCase.JOB_PROGRESS;
    }

    /** Sends while the client can take more; one thread at a time. */
    void drain() {
        while (true) {
            Item m;
            synchronized (this) {
                if (sending || closed || queue.isEmpty() || !call.isReady()) {
                    return;
                }
                sending = true;
                m = queue.pollFirst();
                queuedBytes -= m.bytes();
            }
            try {
                ServerMessage made;
                try {
                    made = m.make().get();
                } catch (RuntimeException e) {
                    close(io.grpc.Status.INTERNAL.withDescription("the server could not make a message: " + e)
                            .asRuntimeException());
                    return;
                }
                send(made);
            } finally {
                synchronized (this) {
                    sending = false;
                }
            }
        }
    }

    private void send(ServerMessage m) {
        int size = m.getSerializedSize();
        synchronized (wire) {
            try {
                if (size <= Chunks.SIZE) {
                    call.onNext(m);
                } else {
                    for (var c : Chunks.split(m.toByteString())) {
                        call.onNext(ServerMessage.newBuilder().setChunk(c).build());
                    }
                }
            } catch (IllegalStateException | io.grpc.StatusRuntimeException e) {
                return; // the call ended meanwhile (closed here, or the client went away)
            } catch (RuntimeException e) {
                close(io.grpc.Status.INTERNAL.withDescription("the server could not send a message: " + e)
                        .asRuntimeException());
                return;
            }
        }
        synchronized (this) {
            sentBytes += size;
            sentSnapshots += m.hasSnapshot() ? 1 : 0;
        }
    }

    /** Ends the stream: with {@code error} (null: completed). */
    void close(Throwable error) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        try {
            synchronized (wire) {
                if (error == null) {
                    call.onCompleted();
                } else {
                    call.onError(error);
                }
            }
        } catch (IllegalStateException e) {
            // the call is over already (the client went away)
        }
        onClosed.run();
    }

    synchronized long sentBytes() {
        return sentBytes;
    }

    synchronized long sentSnapshots() {
        return sentSnapshots;
    }
}
